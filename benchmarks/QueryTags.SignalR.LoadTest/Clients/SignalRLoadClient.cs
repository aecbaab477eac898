using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using QueryTags.SignalR.LoadTest.Measurement;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// One .NET SignalR load connection. It holds its tags the way its system does (our hub's <c>subscribe</c>, the
/// group baseline's <c>join</c>, nothing for the naive broadcast), and on every <c>invalidate</c> keeps what
/// matches a held tag, as a real client filters, recording the publish→receive latency of those.
/// </summary>
internal sealed class SignalRLoadClient(
    BenchSystem system,
    ConnectionPlan plan,
    IConnectionFactory connectionFactory,
    IHubProtocol protocol,
    IServiceProvider services,
    LoadCounters counters) : IAsyncDisposable
{
    private Tag[] _held = plan.Tags;
    private HubConnection? _connection;
    private int _churning;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new HubConnection(connectionFactory, protocol, new UriEndPoint(plan.Server), services, NullLoggerFactory.Instance);
        connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, OnInvalidate);
        connection.Closed += exception =>
        {
            // A close this client did not ask for (the server cut it, a timeout) is an error of the run.
            if (!ReferenceEquals(connection, _connection))
            {
                return Task.CompletedTask;
            }

            counters.Error();
            return Task.CompletedTask;
        };
        _connection = connection;
        await connection.StartAsync(cancellationToken);
        await HoldAsync(connection, Volatile.Read(ref _held), cancellationToken);
    }

    /// <summary>Claims this connection for one churn operation; false while another is running.</summary>
    public bool TryBeginChurn() => Interlocked.CompareExchange(ref _churning, 1, 0) == 0;

    public void EndChurn() => Volatile.Write(ref _churning, 0);

    /// <summary>Releases one filler tag and holds <paramref name="next"/> instead.</summary>
    public async Task SwapAsync(Tag next, Random random)
    {
        var held = Volatile.Read(ref _held);
        if (_connection is not { } connection || held.Length <= 2 || held.Contains(next))
        {
            return;
        }

        // The first two tags are the broadcast and topic tags the scenarios invalidate: keep them.
        var index = random.Next(2, held.Length);
        await ReleaseAsync(connection, held[index]);
        var swapped = (Tag[])held.Clone();
        swapped[index] = next;
        await HoldAsync(connection, [next], CancellationToken.None);
        Volatile.Write(ref _held, swapped);
    }

    /// <summary>Closes the connection and opens a new one that holds the same tags.</summary>
    public async Task ReconnectAsync()
    {
        var old = _connection;
        _connection = null;
        if (old is not null)
        {
            await old.DisposeAsync();
        }

        await ConnectAsync(CancellationToken.None);
        counters.Reconnected();
    }

    public async ValueTask DisposeAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task HoldAsync(HubConnection connection, Tag[] tags, CancellationToken cancellationToken)
    {
        switch (system)
        {
            case BenchSystem.QueryTags:
                var result = await connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, tags, null, cancellationToken);
                if (result.Rejected.Count > 0)
                {
                    throw new InvalidOperationException($"The hub rejected {result.Rejected[0].Tag}: {result.Rejected[0].Reason}");
                }

                counters.SubscribeCallCompleted();
                break;
            case BenchSystem.SignalRGroups:
                await connection.InvokeAsync("Join", tags.Select(tag => tag.Canonical).ToArray(), cancellationToken);
                counters.SubscribeCallCompleted();
                break;
        }
    }

    private async Task ReleaseAsync(HubConnection connection, Tag tag)
    {
        switch (system)
        {
            case BenchSystem.QueryTags:
                await connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, new[] { tag });
                counters.SubscribeCallCompleted();
                break;
            case BenchSystem.SignalRGroups:
                await connection.InvokeAsync("Leave", new[] { tag.Canonical });
                counters.SubscribeCallCompleted();
                break;
        }
    }

    private void OnInvalidate(InvalidationMessage message)
    {
        var received = PublishTimestamp.NowMicroseconds();
        counters.MessageReceived();
        if (!MatchesHeld(message.Tags, Volatile.Read(ref _held)))
        {
            return;
        }

        if (PublishTimestamp.TryParse(message.Source, out var published))
        {
            counters.Delivered(received - published);
        }
        else
        {
            counters.Error();
        }
    }

    private static bool MatchesHeld(IReadOnlyList<Tag> invalidated, Tag[] held)
    {
        foreach (var tag in invalidated)
        {
            foreach (var mine in held)
            {
                if (tag.Matches(mine))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
