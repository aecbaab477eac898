using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client;

/// <summary>
/// Runs the clients' shared vectors (<c>tests/vectors/client.json</c>) through the .NET client: the TypeScript
/// client's tests run the same file, so the two keep one contract.
/// </summary>
public partial class ClientVectorTests
{
    private static readonly Uri HubUrl = new("http://localhost:5080/hubs/invalidation");

    public static TheoryData<int, string> CursorVectors => ClientVectors.Section("cursorLatest");

    public static TheoryData<int, string> FailureVectors => ClientVectors.Section("failures");

    public static TheoryData<int, string> ServerStopVectors => ClientVectors.Section("retryDelays", "serverStop");

    public static TheoryData<int, string> DeduplicationVectors => ClientVectors.Section("deduplication");

    public static TheoryData<int, string> ChunkedSubscribeVectors => ClientVectors.Section("chunkedSubscribe");

    [Fact]
    public void Every_section_has_vectors()
    {
        Assert.All(
            new[] { CursorVectors, FailureVectors, ServerStopVectors, DeduplicationVectors, ChunkedSubscribeVectors },
            section => Assert.NotEmpty(section));
        Assert.NotEmpty(ClientVectors.At("retryDelays", "forever").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(CursorVectors))]
    public void Cursor_latest_follows_the_vectors(int index, string why)
    {
        var vector = ClientVectors.At("cursorLatest")[index];
        InvalidationCursor? current = vector.Text("current") is { } text ? InvalidationCursor.Parse(text) : null;

        // What the client does with a cursor from the wire: text that is not a cursor never reaches Latest.
        var latest = InvalidationCursor.TryParse(vector.Text("candidate"), out var candidate) ? InvalidationCursor.Latest(current, candidate) : current;

        Assert.True(vector.Text("latest") == latest?.ToString(), why);
    }

    [Theory]
    [MemberData(nameof(FailureVectors))]
    public void Failures_and_their_hints_follow_the_vectors(int index, string why)
    {
        var vector = ClientVectors.At("failures")[index];
        var error = ClientVectors.SignalRError(vector.GetProperty("error"))!;
        var gaveUp = vector.TryGetProperty("gaveUp", out var flag) && flag.GetBoolean();

        var found = ConnectionFailures.Classify(error, HubUrl, gaveUp);

        if (vector.Text("failure") is not { } failure)
        {
            Assert.True(found is null, why);
            return;
        }

        Assert.NotNull(found);
        Assert.Equal(failure, Kebab(found.Failure));
        Assert.Equal(vector.GetProperty("status").ValueKind == JsonValueKind.Null ? null : vector.GetProperty("status").GetInt32(), (int?)found.StatusCode);
        Assert.Equal(Hint(vector.Text("hint")!), found.Hint);
    }

    [Fact]
    public void The_forever_policy_follows_the_vectors()
    {
        foreach (var pair in ClientVectors.At("retryDelays", "forever").EnumerateArray())
        {
            var delay = new ForeverRetryPolicy().NextRetryDelay(new RetryContext { PreviousRetryCount = pair[0].GetInt32() });

            Assert.Equal(TimeSpan.FromMilliseconds(pair[1].GetInt32()), delay);
        }
    }

    [Theory]
    [MemberData(nameof(ServerStopVectors))]
    public void The_server_stop_spread_follows_the_vectors(int index, string why)
    {
        var vector = ClientVectors.At("retryDelays", "serverStop")[index];
        var note = new RetryAfterNote();
        IRetryPolicy inner = vector.Text("policy") == "giveUp" ? new GiveUpPolicy() : new ForeverRetryPolicy();
        var random = vector.GetProperty("random").GetDouble();
        var policy = new ServerStopRetryPolicy(inner, TimeSpan.FromMilliseconds(vector.GetProperty("jitterMs").GetInt32()), note, () => random);
        var reason = ClientVectors.SignalRError(vector.GetProperty("reason"), note);

        var delay = policy.NextRetryDelay(new RetryContext { PreviousRetryCount = vector.GetProperty("previousRetryCount").GetInt32(), RetryReason = reason! });

        var expected = vector.GetProperty("delayMs");
        Assert.True((expected.ValueKind == JsonValueKind.Null ? null : TimeSpan.FromMilliseconds(expected.GetInt32())) == delay, $"{why}: {delay}");
    }

    [Theory]
    [MemberData(nameof(DeduplicationVectors))]
    public void De_duplication_follows_the_vectors(int index, string why)
    {
        var vector = ClientVectors.At("deduplication")[index];
        var counts = new SubscriberCounts();
        counts.Add(vector.GetProperty("held").Tags());
        var recent = vector.TryGetProperty("capacity", out var capacity) ? new RecentInvalidations(capacity.GetInt32()) : new RecentInvalidations();

        foreach (var step in vector.GetProperty("steps").EnumerateArray())
        {
            // What the client does with a push and with Apply: the held tags matched, each once per id.
            var fresh = step.TryGetProperty("push", out var push)
                ? recent.Unapplied(push.Text("id")!, counts.Matching(push.GetProperty("tags").Tags()))
                : recent.UnappliedOfAny(InvalidationIds.Read(step.GetProperty("apply").Text("id")!), counts.Matching(step.GetProperty("apply").GetProperty("tags").Tags()));

            Assert.True(
                Canonical(step.GetProperty("reported").Tags()).SequenceEqual(Canonical(fresh)),
                $"{why}: {step.GetRawText()} reported [{string.Join(", ", Canonical(fresh))}]");
        }
    }

    [Theory]
    [MemberData(nameof(ChunkedSubscribeVectors))]
    public void Chunked_subscribes_follow_the_vectors(int index, string why)
    {
        var vector = ClientVectors.At("chunkedSubscribe")[index];
        var tags = vector.GetProperty("tags").Tags();

        var calls = tags.Chunk(vector.GetProperty("maxTagsPerCall").GetInt32()).ToArray();

        Assert.Equal(vector.GetProperty("calls").EnumerateArray().Select(call => Canonical(call.Tags())), calls.Select(Canonical));
        var merged = new ChunkedSubscribeResult();
        var answers = vector.GetProperty("answers").EnumerateArray().ToArray();
        for (var i = 0; i < calls.Length; i++)
        {
            merged.Add(answers[i].Deserialize<SubscribeResult>()!, calls[i].Length);
        }

        var expected = JsonNode.Parse(vector.GetProperty("merged").GetRawText());
        var actual = JsonSerializer.SerializeToNode(merged.Result);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{why}: {actual?.ToJsonString()}");
    }

    private static string Hint(string template)
    {
        var names = ClientVectors.At("failureNames", "dotnet");
        return Placeholder().Replace(template.Replace("{url}", HubUrl.ToString(), StringComparison.Ordinal), match => names.Text(match.Groups[1].Value)!);
    }

    private static string Kebab(TagInvalidationFailure failure) => Capital().Replace(failure.ToString(), "-$0").ToLowerInvariant();

    private static List<string> Canonical(IEnumerable<Tag> tags) => [.. tags.Select(tag => tag.Canonical).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("(?<!^)[A-Z]")]
    private static partial Regex Capital();
}
