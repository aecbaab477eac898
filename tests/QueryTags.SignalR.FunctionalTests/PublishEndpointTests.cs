using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// The publish endpoint for services that are not .NET (<c>MapTagInvalidationPublisher</c>), as the test server maps it
/// at <c>POST /api/invalidations</c> for callers with the role <c>publisher</c>: credentials, delivery, bad tags, size.
/// </summary>
public sealed class PublishEndpointTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private static readonly TestUser Publisher = new("billing-service", "acme-corp", "publisher");

    private KestrelServer Server => fixture.Server;

    [Fact]
    public async Task Without_credentials_it_is_401_and_without_the_role_403_and_nothing_is_published()
    {
        await using var client = await RawConnection.StartAsync(Server, Transport.WebSocketsJson);
        await client.SubscribeAsync(["todo", 5]);
        using var http = Server.Http();

        using var anonymous = await http.PostAsync(TestServerApp.PublishPath, Body("""{"tags":[["todo",5]]}"""));
        using var admin = await PostAsync(await Server.TokenAsync(TestUser.Alice), """{"tags":[["todo",5]]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Empty(await client.ReceivedBeforeSentinelAsync(Server, ["sentinel", Guid.NewGuid().ToString("N")]));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_publisher_gets_200_with_the_id_and_cursor_and_holders_receive_it(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todo", 5]);

        using var response = await PostAsync(await Server.TokenAsync(Publisher), """{"tags":[["todo",5],["todos"]],"origin":"billing"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var received = await client.NextAsync();
        Assert.Equal(body.GetProperty("id").GetString(), received.Id);
        Assert.Equal(body.GetProperty("cursor").GetString(), received.Cursor.ToString());
        Assert.Equal([new Tag("todo", 5)], received.Tags);
    }

    [Fact]
    public async Task Bad_tags_are_400_problem_details_naming_each_tag_and_rule_and_nothing_is_published()
    {
        await using var client = await RawConnection.StartAsync(Server, Transport.WebSocketsJson);
        await client.SubscribeAsync(["ok"]);

        using var response = await PostAsync(await Server.TokenAsync(Publisher), """{"tags":[["ok"],["todo",1.5],[],"todos",["x\ud800"]]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Tag 1 [\"todo\",1.5] breaks rule segment-type", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [(1, TagRules.SegmentType), (2, TagRules.Empty), (3, TagRules.NotAnArray), (4, TagRules.InvalidString)],
            problem.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("rule").GetString())));
        Assert.Empty(await client.ReceivedBeforeSentinelAsync(Server, ["sentinel", Guid.NewGuid().ToString("N")]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_64_KB_is_413_whether_or_not_it_says_its_length(bool withLength)
    {
        var tags = string.Join(",", Enumerable.Range(0, 6000).Select(i => $"[\"todo\",{i}]"));
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"tags\":[{tags}]}}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Server.TokenAsync(Publisher));
        using var request = new HttpRequestMessage(HttpMethod.Post, TestServerApp.PublishPath) { Content = withLength ? content : new ChunkedContent(content) };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    // Kestrel counts a chunked body's framing (each chunk's size line and line ends) against its own body limit; the
    // limit is on the body, so a body of the limit's size passes with a length or chunked, and one byte more does not.
    [Theory]
    [InlineData(64 * 1024, true, HttpStatusCode.OK)]
    [InlineData(64 * 1024, false, HttpStatusCode.OK)]
    [InlineData(64 * 1024 - 11, false, HttpStatusCode.OK)]
    [InlineData(64 * 1024 + 1, true, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(64 * 1024 + 1, false, HttpStatusCode.RequestEntityTooLarge)]
    public async Task The_size_limit_counts_the_bodys_own_bytes_whether_or_not_it_says_its_length(int size, bool withLength, HttpStatusCode status)
    {
        const string head = "{\"tags\":[[\"todo\",5]],\"padding\":\"";
        var body = Encoding.UTF8.GetBytes(head + new string('x', size - head.Length - 2) + "\"}");
        Assert.Equal(size, body.Length);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Server.TokenAsync(Publisher));
        using var request = new HttpRequestMessage(HttpMethod.Post, TestServerApp.PublishPath) { Content = withLength ? content : new ChunkedContent(content) };

        using var response = await http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_that_never_ends_is_answered_413_and_its_connection_closed_within_twice_the_limit()
    {
        var token = await Server.TokenAsync(Publisher);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Server.Address.Host, Server.Address.Port).Within();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST {TestServerApp.PublishPath} HTTP/1.1\r\nHost: {Server.Address.Authority}\r\nAuthorization: Bearer {token}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = Encoding.ASCII.GetBytes($"2000\r\n{new string('x', 0x2000)}\r\n");
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await socket.SendAsync(chunk);
                    sent += 0x2000;
                }
            }
            catch (SocketException)
            {
                // The server closed the connection.
            }
        });

        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None).Within()) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await sending.Within();
        Assert.StartsWith("HTTP/1.1 413", answer.ToString(), StringComparison.Ordinal);
        Assert.InRange(sent, 64 * 1024, 16L * 1024 * 1024);
    }

    [Theory]
    [InlineData("text/plain", "{\"tags\":[[\"a\"]]}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "{\"tags\":", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"tags\":[]}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "[[\"a\"]]", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"tags\":[[\"a\"]],\"origin\":5}", HttpStatusCode.BadRequest)]
    public async Task A_body_that_is_not_a_publish_request_is_refused(string contentType, string body, HttpStatusCode status)
    {
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Server.TokenAsync(Publisher));

        using var response = await http.PostAsync(TestServerApp.PublishPath, new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_log_is_503_and_the_endpoint_needs_an_authenticated_caller_unless_told_otherwise()
    {
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddSingleton<InvalidationLog, SwitchableLog>();
        builder.Services.AddAuthentication("Bearer").AddJwtBearer();
        builder.Services.AddAuthorization();
        builder.Services.AddTagInvalidation().AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidationPublisher("/open").AllowAnonymous();
        app.MapTagInvalidationPublisher("/closed");
        await using var server = await KestrelServer.StartAsync(app);
        using var http = server.Http();
        ((SwitchableLog)server.Services.GetRequiredService<InvalidationLog>()).Down = true;

        using var down = await http.PostAsync("/open", Body("""{"tags":[["todo",5]]}"""));
        using var closed = await http.PostAsync("/closed", Body("""{"tags":[["todo",5]]}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var problem = await down.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("unreachable", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        // The log's own message (with Redis: its endpoint) stays in the server's log.
        Assert.DoesNotContain("test's log", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("1", down.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string token, string json)
    {
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.PostAsync(TestServerApp.PublishPath, Body(json));
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Content sent without a length (chunked), so the server learns its size only by reading it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public ChunkedContent(HttpContent inner)
        {
            _inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
