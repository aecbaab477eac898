using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// The diagnostics endpoint (<c>MapTagInvalidationDiagnostics</c>), as the test server maps it at
/// <c>GET /diagnostics/invalidation</c> for callers with the role <c>admin</c>, on a server of its own so the counts are
/// known: three WebSocket JSON connections and two long-polling MessagePack ones, all of one user, on the secure hub.
/// </summary>
public sealed class DiagnosticsEndpointTests : IAsyncLifetime
{
    private static readonly TestUser Holder = new("dora-diagnostics", "initech-llc", "auditor");
    private static readonly Transport WebSocketsJson = new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json);
    private static readonly Transport LongPollingMessagePack = new(HttpTransportType.LongPolling, TagInvalidationProtocol.MessagePack);

    private readonly List<RawConnection> _connections = [];
    private KestrelServer _server = null!;
    private Tag _account;

    public async Task InitializeAsync()
    {
        _server = await KestrelServer.StartAsync();
        var token = await _server.TokenAsync(Holder);
        _account = Holder.FreshAccountTag();

        // ["todos"]: 5 holders; ["todo"] and ["todo", 1]: 3; ["stats"]: 2; the account tag and its prefixes: 1.
        for (var i = 0; i < 3; i++)
        {
            var connection = await RawConnection.StartAsync(_server.SecureHubUrl, WebSocketsJson, Credentials.Bearer(token));
            _connections.Add(connection);
            Assert.Empty((await connection.SubscribeAsync(i == 0 ? [["todos"], ["todo", 1], _account] : [["todos"], ["todo", 1]])).Rejected);
        }

        for (var i = 0; i < 2; i++)
        {
            var connection = await RawConnection.StartAsync(_server.SecureHubUrl, LongPollingMessagePack, Credentials.Bearer(token));
            _connections.Add(connection);
            Assert.Empty((await connection.SubscribeAsync(["todos"], ["stats"])).Rejected);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Without_credentials_it_is_401_and_without_the_role_403()
    {
        using var http = _server.Http();

        using var anonymous = await http.GetAsync(TestServerApp.DiagnosticsPath).Within();
        using var auditor = await GetAsync(await _server.TokenAsync(TestUser.Bob), TestServerApp.DiagnosticsPath);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, auditor.StatusCode);
    }

    [Fact]
    public async Task An_admin_gets_the_counts_of_the_known_connections_and_no_user_connection_or_held_tag()
    {
        var sent = await _server.InvalidateAsync(["todo", 1], ["stats"]);
        foreach (var connection in _connections)
        {
            Assert.Equal(sent.Id, (await connection.NextAsync()).Id);
        }

        using var response = await GetAsync(await _server.TokenAsync(TestUser.Alice), TestServerApp.DiagnosticsPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        var connections = body.GetProperty("connections");
        Assert.Equal(5, connections.GetProperty("open").GetInt32());
        Assert.Equal(
            [("long_polling", "messagepack", 2), ("web_sockets", "json", 3)],
            connections.GetProperty("byTransport").EnumerateArray().Select(kind => (kind.GetProperty("transport").GetString(), kind.GetProperty("protocol").GetString(), kind.GetProperty("open").GetInt32())));

        // 11 holds of 4 distinct tags in 7 groups (the account tag's three included); listed: the first segments at least
        // 3 connections hold.
        var tags = body.GetProperty("tags");
        Assert.Equal((11, 4, 7), (tags.GetProperty("holds").GetInt32(), tags.GetProperty("distinct").GetInt32(), tags.GetProperty("groups").GetInt32()));
        Assert.Equal(
            [("[\"todos\"]", 5), ("[\"todo\"]", 3)],
            tags.GetProperty("topPrefixes").EnumerateArray().Select(prefix => (prefix.GetProperty("prefix").GetRawText(), prefix.GetProperty("holders").GetInt32())));

        var log = body.GetProperty("log");
        Assert.Equal(sent.Cursor!.Value.Epoch, log.GetProperty("epoch").GetString());
        Assert.True(InvalidationCursor.Parse(log.GetProperty("position").GetString()!).Sequence >= sent.Cursor.Value.Sequence);
        Assert.InRange(log.GetProperty("retainedSeconds").GetDouble(), 0, new TagInvalidationOptions().RetentionWindow.TotalSeconds);

        // Sent to the groups ["todo", 1] (3 connections here) and ["stats"] (2).
        var recent = body.GetProperty("recentInvalidations")[0];
        Assert.Equal((sent.Id, 2, 2, 5), (recent.GetProperty("id").GetString(), recent.GetProperty("tags").GetInt32(), recent.GetProperty("groups").GetInt32(), recent.GetProperty("localDeliveries").GetInt32()));
        Assert.InRange(recent.GetProperty("bytes").GetInt32(), 100, 1000);

        Assert.DoesNotContain(Holder.Sub, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Holder.OrgId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("account", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stats", text, StringComparison.Ordinal);
        Assert.All(_connections, connection => Assert.DoesNotContain(connection.Connection.ConnectionId!, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_meter_observes_the_same_counts()
    {
        var observed = InstrumentReading.Observe(_server);

        Assert.Equal(
            [("long_polling", "messagepack", 2L), ("web_sockets", "json", 3L)],
            observed.Where(m => m.Instrument == "querytags.connections" && m.Value > 0)
                .Select(m => ((string?)m.Attributes["signalr.transport"], (string?)m.Attributes["querytags.protocol"], m.Value))
                .Order());
        Assert.Equal(11, Assert.Single(observed, m => m.Instrument == "querytags.tags.held").Value);
        Assert.Equal(4, Assert.Single(observed, m => m.Instrument == "querytags.tags.distinct").Value);
        Assert.Equal(7, Assert.Single(observed, m => m.Instrument == "querytags.groups").Value);
    }

    [Fact]
    public async Task Top_asks_for_fewer_prefixes_within_its_bound_and_a_closed_connection_leaves_the_counts()
    {
        var token = await _server.TokenAsync(TestUser.Alice);
        using var one = await GetAsync(token, TestServerApp.DiagnosticsPath + "?top=1");
        using var tooMany = await GetAsync(token, TestServerApp.DiagnosticsPath + "?top=21");
        using var notANumber = await GetAsync(token, TestServerApp.DiagnosticsPath + "?top=ten");

        Assert.Equal(["[\"todos\"]"], (await ReadAsync(one)).GetProperty("tags").GetProperty("topPrefixes").EnumerateArray().Select(prefix => prefix.GetProperty("prefix").GetRawText()));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("'top' must be an integer from 1 to 20", (await ReadAsync(notANumber)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The first connection held ["todo", 1] and the account tag: once it is gone, ["todo"] has 2 holders and is not listed.
        await _connections[0].DisposeAsync();
        _connections.RemoveAt(0);
        await WaitUntilAsync(async () => (await ReadAsync(await GetAsync(token, TestServerApp.DiagnosticsPath))).GetProperty("connections").GetProperty("open").GetInt32() == 4);
        var after = await ReadAsync(await GetAsync(token, TestServerApp.DiagnosticsPath));
        var tags = after.GetProperty("tags");
        Assert.Equal((8, 3, 4), (tags.GetProperty("holds").GetInt32(), tags.GetProperty("distinct").GetInt32(), tags.GetProperty("groups").GetInt32()));
        Assert.Equal(["[\"todos\"]"], tags.GetProperty("topPrefixes").EnumerateArray().Select(prefix => prefix.GetProperty("prefix").GetRawText()));
    }

    private async Task<HttpResponseMessage> GetAsync(string token, string path)
    {
        using var http = _server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.GetAsync(path).Within();
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }
    }

    // A connection's close reaches the hub after the client's dispose returns.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
