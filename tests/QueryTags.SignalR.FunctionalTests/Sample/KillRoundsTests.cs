using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests.Sample;

/// <summary>
/// Two sample nodes on one SQLite database and one redis-server; three "browsers" on node B hold the shared list and
/// three todos. Each round changes a todo through node A and kills node A with SIGKILL at a random point of that
/// write, then starts it again. Whatever the moment, every change the database committed and the log recorded must
/// reach the browsers: through node A's own sends, the other node sending what A logged and never sent, the output
/// cache's fill guard, or a reset. A change committed but killed before it reached the log is counted apart: no
/// publisher survived to tell anyone (the outbox's job).
/// </summary>
public sealed class KillRoundsTests(ITestOutputHelper output)
{
    private const int Rounds = 12;
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_committed_and_logged_change_reaches_the_browsers_of_the_other_node_whenever_the_writer_is_killed()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = Path.Combine(Path.GetTempPath(), $"querytags-kill-{Guid.NewGuid():N}.db");
        try
        {
            await using var nodeB = await SampleNode.StartAsync(database, redis.Configuration);
            var nodeA = await SampleNode.StartAsync(database, redis.Configuration);
            using var writes = nodeB.Http();
            using (var warm = await writes.PostAsJsonAsync("/api/todos", new { title = "warm-up" }))
            {
                warm.EnsureSuccessStatusCode();
            }

            var ids = new List<int>();
            for (var i = 0; i < 3; i++)
            {
                using var created = await writes.PostAsJsonAsync("/api/todos", new { title = $"todo {i}" });
                created.EnsureSuccessStatusCode();
                ids.Add((await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32());
            }

            var browsers = new List<SampleBrowser>();
            for (var i = 0; i < 3; i++)
            {
                browsers.Add(await SampleBrowser.OpenAsync(nodeB.Address, [.. ids]));
            }

            await using var redisClient = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            var random = new Random(20261207);
            var (answered, unanswered, unlogged) = (0, 0, 0);
            try
            {
                for (var round = 0; round < Rounds; round++)
                {
                    var id = ids[random.Next(ids.Count)];
                    var title = $"round {round}";
                    using var http = nodeA.Http();

                    // A warm node's write takes this long here: the kill lands anywhere from its start to half again its length.
                    var duration = await WarmWriteAsync(http, id);
                    var roundStart = await ClockAsync(redisClient, redis);
                    var killAfter = TimeSpan.FromMicroseconds(random.Next(0, (int)(duration.TotalMicroseconds * 1.5)));
                    var writing = http.PatchAsJsonAsync($"/api/todos/{id}", new { title });
                    SpinUntil(killAfter);
                    nodeA.Kill();
                    var status = await StatusAsync(writing);
                    _ = status is >= 200 and < 300 ? answered++ : unanswered++;

                    var truth = Truth(database);
                    var logged = await LastLoggedAsync(redisClient, id) > roundStart;
                    if (truth[id] == title && !logged)
                    {
                        // Committed, then killed before the append: no process knows to publish it.
                        unlogged++;
                        output.WriteLine($"round {round}: killed after {killAfter.TotalMilliseconds:F1} ms between the commit and the log; not published (the outbox's job)");
                        await nodeA.DisposeAsync();
                        nodeA = await SampleNode.StartAsync(database, redis.Configuration);
                        continue;
                    }

                    output.WriteLine($"round {round}: killed after {killAfter.TotalMilliseconds:F1} ms, answered {status?.ToString() ?? "nothing"}, committed {truth[id] == title}, logged {logged}");
                    var killedOutput = nodeA.Output;
                    await nodeA.DisposeAsync();
                    nodeA = await SampleNode.StartAsync(database, redis.Configuration);
                    try
                    {
                        await ConvergedAsync(browsers, database, round);
                    }
                    catch
                    {
                        output.WriteLine("node B:\n" + nodeB.Output);
                        output.WriteLine("node A (killed):\n" + killedOutput);
                        output.WriteLine("browser 0:\n" + string.Join("\n", browsers[0].History.TakeLast(60)));
                        throw;
                    }
                }
            }
            finally
            {
                foreach (var browser in browsers)
                {
                    await browser.DisposeAsync();
                }

                await nodeA.DisposeAsync();
            }

            Measurements.Report(output, $"kill -9 rounds: {Rounds} writes to a node killed at a random point of the write: {answered} answered 2xx, {unanswered} not; every committed and logged change reached 3 browsers of the other node; {unlogged} committed but killed before the log");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    // Three writes of the round's todo to a node just started (its first requests compile and warm up), timed; the median.
    private static async Task<TimeSpan> WarmWriteAsync(HttpClient http, int id)
    {
        var durations = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var warm = await http.PatchAsJsonAsync($"/api/todos/{id}", new { done = i % 2 == 0 });
            warm.EnsureSuccessStatusCode();
            durations.Add(clock.Elapsed);
        }

        return durations.Order().ElementAt(1);
    }

    private static async Task ConvergedAsync(List<SampleBrowser> browsers, string database, int round)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var truth = Truth(database);
            var stale = browsers.Select(browser => browser.Stale(truth)).Where(problem => problem is not null).ToList();
            if (stale.Count == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < Converge, $"round {round}: {stale.Count} browser(s) still stale after {Converge.TotalSeconds:0} s: {string.Join(" | ", stale)}");
            await Task.Delay(100);
        }
    }

    private static Dictionary<int, string> Truth(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"Title\" FROM \"Todos\" WHERE \"Owner\" IS NULL";
        using var reader = command.ExecuteReader();
        var truth = new Dictionary<int, string>();
        while (reader.Read())
        {
            truth[reader.GetInt32(0)] = reader.GetString(1);
        }

        return truth;
    }

    // The sequence of the todo's last invalidation in the log (the log's clock, in microseconds), or 0.
    private static async Task<long> LastLoggedAsync(ConnectionMultiplexer redis, int id) =>
        (long)(await redis.GetDatabase().SortedSetScoreAsync("querytags:{log}:tags", $"[\"todo\",{id}]") ?? 0);

    private static async Task<long> ClockAsync(ConnectionMultiplexer redis, RedisServer server)
    {
        var time = await redis.GetServer(server.Configuration).TimeAsync();
        return new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
    }

    private static async Task<int?> StatusAsync(Task<HttpResponseMessage> writing)
    {
        try
        {
            using var response = await writing;
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    // A busy wait: the kill lands at a point of the write finer than a timer's tick.
    private static void SpinUntil(TimeSpan after)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < after)
        {
            Thread.SpinWait(50);
        }
    }
}
