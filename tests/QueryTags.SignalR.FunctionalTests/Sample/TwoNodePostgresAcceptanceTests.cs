using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Testing;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests.Sample;

/// <summary>
/// Two sample nodes (processes of their own, killed with SIGKILL) on one PostgreSQL with change capture and one
/// redis-server, with real .NET clients as holders: a psql change reaches both nodes' holders once, a killed reader's
/// slot is taken over, a change made while every node is down reaches a client that comes back with its cursor, and a
/// node killed in a burst of API writes leaves no holder stale. One database per test, the servers shared.
/// </summary>
public sealed class TwoNodePostgresAcceptanceTests(TwoNodePostgresAcceptanceTests.Servers servers, ITestOutputHelper output)
    : IClassFixture<TwoNodePostgresAcceptanceTests.Servers>
{
    [Fact]
    public async Task A_psql_update_reaches_a_holder_on_either_node_within_2_s_exactly_once()
    {
        await using var cluster = await servers.ClusterAsync();
        var first = await cluster.StartNodeAsync();
        var second = await cluster.StartNodeAsync();
        var id = await CreateTodoAsync(first, "watched");
        var sentinel = await CreateTodoAsync(first, "sentinel");
        await using var onFirst = await Holder.StartAsync(first, id, sentinel);
        await using var onSecond = await Holder.StartAsync(second, id, sentinel);
        // Whatever the creations published has arrived once the warm-up change has: one slot, read in commit order.
        await cluster.UpdateAsync(sentinel, "warm-up");
        await Eventually.TrueAsync(() => onFirst.Count(sentinel) >= 1 && onSecond.Count(sentinel) >= 1, "the warm-up on both holders");
        var watchedBefore = (onFirst.Count(id), onSecond.Count(id));

        await cluster.UpdateAsync(id, "from psql");
        var committed = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => onFirst.Count(id) > watchedBefore.Item1 && onSecond.Count(id) > watchedBefore.Item2,
            () => $"the change on both holders\n{first.Output}\n{second.Output}", TimeSpan.FromSeconds(2));
        output.WriteLine($"After psql returned: holder on the first node heard it at {onFirst.LastAt(id, committed)} ms, on the second at {onSecond.LastAt(id, committed)} ms.");

        await cluster.UpdateAsync(sentinel, "sentinel");
        await Eventually.TrueAsync(() => onFirst.Count(sentinel) >= 2 && onSecond.Count(sentinel) >= 2, "the sentinel on both holders");
        Assert.Equal(watchedBefore.Item1 + 1, onFirst.Count(id));
        Assert.Equal(watchedBefore.Item2 + 1, onSecond.Count(id));
    }

    [Fact]
    public async Task With_the_capturing_node_killed_the_next_psql_change_reaches_the_survivor_s_holder_within_15_s()
    {
        await using var cluster = await servers.ClusterAsync();
        var (reader, survivor) = await cluster.StartReaderAndStandbyAsync();
        var id = await CreateTodoAsync(survivor, "watched");
        var sentinel = await CreateTodoAsync(survivor, "sentinel");
        await using var holder = await Holder.StartAsync(survivor, id, sentinel);
        await cluster.UpdateAsync(sentinel, "warm-up");
        await Eventually.TrueAsync(() => holder.Count(sentinel) >= 1, "the warm-up");
        var before = holder.Count(id);

        reader.Kill();
        var killed = Stopwatch.StartNew();
        await cluster.UpdateAsync(id, "after the kill");
        await Eventually.TrueAsync(() => holder.Count(id) > before, () => $"the change on the survivor\n{survivor.Output}", TimeSpan.FromSeconds(15));
        output.WriteLine($"The survivor's holder heard the change {holder.LastAt(id, killed)} ms after the reader was killed.");

        await cluster.UpdateAsync(sentinel, "sentinel");
        await Eventually.TrueAsync(() => holder.Count(sentinel) >= 2, "the sentinel");
        Assert.Equal(before + 1, holder.Count(id));
    }

    [Fact]
    public async Task A_change_made_while_every_node_is_down_reaches_the_returning_client_as_missed_or_live_never_as_a_reset()
    {
        await using var cluster = await servers.ClusterAsync();
        var (reader, standby) = await cluster.StartReaderAndStandbyAsync();
        var id = await CreateTodoAsync(standby, "watched");
        var sentinel = await CreateTodoAsync(standby, "sentinel");
        await using var holder = await Holder.StartAsync(standby, id, sentinel);
        // The holder has a cursor once it heard something.
        await cluster.UpdateAsync(sentinel, "warm-up");
        await Eventually.TrueAsync(() => holder.Count(sentinel) >= 1, "the warm-up");
        // Counted from here: the first subscription may already have answered missed for what the creations published.
        var before = holder.Count(id);
        var missedBefore = holder.MissedCount(id);

        reader.Kill();
        standby.Kill();
        await cluster.UpdateAsync(id, "while every node is down");
        var changed = Stopwatch.StartNew();
        var back = await cluster.StartNodeAsync(standby.Address.Port);
        output.WriteLine($"The node listened again {changed.ElapsedMilliseconds} ms after the change.");

        await Eventually.TrueAsync(() => holder.Count(id) > before || holder.MissedCount(id) > missedBefore,
            () => $"the change, missed or live; resets {holder.Resets}\n{back.Output}", TimeSpan.FromSeconds(30));
        output.WriteLine($"The client heard it {changed.ElapsedMilliseconds} ms after the change, as {(holder.MissedCount(id) > missedBefore ? "missed" : "live")}.");
        output.WriteLine($"The client's events (ms since it started): {holder.Timeline}");
        // A reset would come with the answer to the reconnect, before anything heard after it: the sentinel, missed
        // (when its invalidation was published before the client came back) or live.
        var sentinelBefore = holder.Count(sentinel) + holder.MissedCount(sentinel);
        await cluster.UpdateAsync(sentinel, "sentinel");
        await Eventually.TrueAsync(() => holder.Count(sentinel) + holder.MissedCount(sentinel) > sentinelBefore && holder.Reconnected,
            () => $"the sentinel after the reconnect; resets {holder.Resets}\n{back.Output}", TimeSpan.FromSeconds(30));
        Assert.Equal(0, holder.Resets);
    }

    [Fact]
    public async Task A_node_killed_in_a_burst_of_API_writes_leaves_no_holder_stale()
    {
        await using var cluster = await servers.ClusterAsync();
        var (writer, survivor) = await cluster.StartReaderAndStandbyAsync();
        int[] ids = [.. await Task.WhenAll(Enumerable.Range(0, 6).Select(i => CreateTodoAsync(writer, $"todo {i}")))];
        var sentinel = await CreateTodoAsync(writer, "sentinel");
        await using var holder = await Holder.StartAsync(survivor, [.. ids, sentinel], refetch: true);
        await holder.RefetchAllAsync();

        using var http = writer.Http();
        var sent = 0;
        var answered = 0;
        var answeredTitles = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var killAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 4).Select(async w =>
        {
            for (var i = 0; ; i++)
            {
                var id = ids[(w + i) % ids.Length];
                try
                {
                    var title = $"write {Interlocked.Increment(ref sent)}";
                    using var patched = await http.PatchAsJsonAsync($"/api/todos/{id}", new { title });
                    patched.EnsureSuccessStatusCode();
                    answeredTitles[title] = true;
                    if (Interlocked.Increment(ref answered) == 40)
                    {
                        killAfter.TrySetResult();
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return;
                }
            }
        }).ToArray();
        await killAfter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        writer.Kill();
        var heardBeforeKill = ids.Sum(holder.Count);
        await Task.WhenAll(writers);
        output.WriteLine($"{sent} writes sent, {answered} answered before the writing (and capturing) node was killed.");

        // The capture publishes in commit order: once the sentinel arrives, every change committed before it has.
        await cluster.UpdateAsync(sentinel, "sentinel");
        var changed = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => holder.Count(sentinel) >= 1, () => $"the sentinel on the survivor\n{survivor.Output}", TimeSpan.FromSeconds(30));
        output.WriteLine($"The sentinel reached the survivor's holder {changed.ElapsedMilliseconds} ms after psql returned.");
        await holder.RefetchesDoneAsync();

        var committed = await cluster.TitlesAsync();
        output.WriteLine($"The holder heard {heardBeforeKill} invalidations of the written todos before the kill and {ids.Sum(holder.Count) - heardBeforeKill} after; "
            + $"{ids.Count(id => !answeredTitles.ContainsKey(committed[id]) && committed[id].StartsWith("write", StringComparison.Ordinal))} todo(s) hold a write whose answer never came.");
        foreach (var id in ids)
        {
            Assert.True(holder.Seen(id) == committed[id], $"todo {id}: the holder last read '{holder.Seen(id)}', the database holds '{committed[id]}' (resets {holder.Resets})");
        }
    }

    private static async Task<int> CreateTodoAsync(SampleNode node, string title)
    {
        using var http = node.Http();
        using var created = await http.PostAsJsonAsync("/api/todos", new { title });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>The PostgreSQL and redis-server the tests share; each test gets a database of its own.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private int _databases;

        public PostgresServer Postgres { get; private set; } = null!;

        public RedisServer Redis { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Postgres = await PostgresServer.StartAsync();
            Redis = await RedisServer.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Redis.DisposeAsync();
            await Postgres.DisposeAsync();
        }

        internal async Task<Cluster> ClusterAsync()
        {
            var database = $"acceptance{Interlocked.Increment(ref _databases)}";
            await Postgres.PsqlAsync("postgres", $"CREATE DATABASE {database}");
            return new Cluster(this, database);
        }
    }

    /// <summary>One test's nodes on its own database; disposing kills them and drops the slot (slot names are per server).</summary>
    internal sealed class Cluster(Servers servers, string database) : IAsyncDisposable
    {
        private readonly List<SampleNode> _nodes = [];

        public string ConnectionString { get; } = servers.Postgres.ConnectionString.Replace("Database=postgres", $"Database={database}", StringComparison.Ordinal);

        public async Task<SampleNode> StartNodeAsync(int port = 0)
        {
            var node = await SampleNode.StartOnPostgresAsync(ConnectionString, servers.Redis.Configuration, port);
            _nodes.Add(node);
            return node;
        }

        /// <summary>A first node that reads the slot (the slot is active, and no other node runs), then a second that stands by.</summary>
        public async Task<(SampleNode Reader, SampleNode Standby)> StartReaderAndStandbyAsync()
        {
            var reader = await StartNodeAsync();
            await Eventually.TrueAsync(SlotReadAsync, () => $"the first node reading the slot\n{reader.Output}");
            var standby = await StartNodeAsync();
            return (reader, standby);
        }

        private async Task<bool> SlotReadAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE database = current_database() AND active", connection);
            return (long)(await query.ExecuteScalarAsync())! == 1;
        }

        public Task UpdateAsync(int id, string title) =>
            servers.Postgres.PsqlAsync(database, $"""UPDATE "Todos" SET "Title" = '{title}' WHERE "Id" = {id}""");

        public async Task<Dictionary<int, string>> TitlesAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("""SELECT "Id", "Title" FROM "Todos" """, connection);
            await using var reader = await query.ExecuteReaderAsync();
            var titles = new Dictionary<int, string>();
            while (await reader.ReadAsync())
            {
                titles[reader.GetInt32(0)] = reader.GetString(1);
            }

            return titles;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in _nodes)
            {
                await node.DisposeAsync();
            }

            await Eventually.TrueAsync(async () =>
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database() AND NOT active", connection);
                await drop.ExecuteNonQueryAsync();
                await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()", connection);
                return (long)(await left.ExecuteScalarAsync())! == 0;
            }, () => "the test's slot dropped");
        }
    }

    /// <summary>
    /// A real .NET client holding ["todos"] and ["todo", id] for each id: what it heard, and when. With refetch on, it
    /// reads a todo back through its node after each invalidation of it (and all of them after a missed or a reset),
    /// as a browser's query would, and keeps what the last read returned.
    /// </summary>
    private sealed class Holder : IAsyncDisposable
    {
        private readonly TagInvalidationClient _client;
        private readonly SampleNode _node;
        private readonly int[] _ids;
        private readonly bool _refetch;
        private readonly HttpClient _http;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(long At, int Id)> _heard = [];
        private readonly List<int> _missed = [];
        private readonly Dictionary<int, (long Order, string Title)> _seen = [];
        private readonly List<Task> _refetches = [];
        private long _order;
        private readonly List<string> _timeline = [];
        private int _resets;
        private bool _reconnecting;

        private Holder(SampleNode node, int[] ids, bool refetch)
        {
            _node = node;
            _ids = ids;
            _refetch = refetch;
            _http = node.Http();
            _client = TagInvalidationClient.Create(new Uri(node.Address, "/hubs/invalidation"));
            _client.Invalidated += (_, e) =>
            {
                foreach (var id in IdsOf(e.MatchedTags))
                {
                    lock (_heard)
                    {
                        _heard.Add((_clock.ElapsedMilliseconds, id));
                    }

                    Refetch(id);
                }
            };
            _client.Missed += (_, e) =>
            {
                Note($"missed {string.Join(" ", e.MissedTags.Select(tag => tag.Canonical))}");
                lock (_heard)
                {
                    _missed.AddRange(IdsOf(e.MissedTags));
                }

                RefetchAll();
            };
            _client.StatusChanged += (_, e) =>
            {
                Note($"{e.Status}");
                if (e.Status == TagInvalidationStatus.Reconnecting)
                {
                    _reconnecting = true;
                }
                else if (e.Status == TagInvalidationStatus.Connected && _reconnecting)
                {
                    Reconnected = true;
                }
            };
            _client.ResetRequired += (_, _) =>
            {
                Note("reset");
                Interlocked.Increment(ref _resets);
                RefetchAll();
            };
        }

        public int Resets => Volatile.Read(ref _resets);

        /// <summary>The status changes, missed answers and resets, each with when it came.</summary>
        public string Timeline
        {
            get
            {
                lock (_timeline)
                {
                    return string.Join("; ", _timeline);
                }
            }
        }

        /// <summary>Whether the client came back (connected after reconnecting).</summary>
        public bool Reconnected { get; private set; }

        public static Task<Holder> StartAsync(SampleNode node, params int[] ids) => StartAsync(node, ids, refetch: false);

        public static async Task<Holder> StartAsync(SampleNode node, int[] ids, bool refetch)
        {
            var holder = new Holder(node, ids, refetch);
            await holder._client.StartAsync();
            await holder._client.SubscribeAsync([new Tag("todos"), .. ids.Select(id => new Tag("todo", id))]);
            return holder;
        }

        public int Count(int id)
        {
            lock (_heard)
            {
                return _heard.Count(heard => heard.Id == id);
            }
        }

        public int MissedCount(int id)
        {
            lock (_heard)
            {
                return _missed.Count(missed => missed == id);
            }
        }

        /// <summary>When the last invalidation of <paramref name="id"/> arrived, in ms on <paramref name="since"/>'s clock.</summary>
        public long LastAt(int id, Stopwatch since)
        {
            lock (_heard)
            {
                var at = _heard.Last(heard => heard.Id == id).At;
                return since.ElapsedMilliseconds - (_clock.ElapsedMilliseconds - at);
            }
        }

        public string? Seen(int id)
        {
            lock (_seen)
            {
                return _seen.TryGetValue(id, out var seen) ? seen.Title : null;
            }
        }

        public Task RefetchAllAsync()
        {
            RefetchAll();
            return RefetchesDoneAsync();
        }

        public async Task RefetchesDoneAsync()
        {
            Task[] pending;
            lock (_refetches)
            {
                pending = [.. _refetches];
            }

            await Task.WhenAll(pending);
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            _http.Dispose();
        }

        private void Note(string what)
        {
            lock (_timeline)
            {
                _timeline.Add($"{_clock.ElapsedMilliseconds} {what}");
            }
        }

        private IEnumerable<int> IdsOf(IEnumerable<Tag> tags)
        {
            var canonical = tags.Select(tag => tag.Canonical).ToHashSet();
            return _ids.Where(id => canonical.Contains(new Tag("todo", id).Canonical));
        }

        private void RefetchAll()
        {
            foreach (var id in _ids)
            {
                Refetch(id);
            }
        }

        private void Refetch(int id)
        {
            if (!_refetch)
            {
                return;
            }

            var order = Interlocked.Increment(ref _order);
            var read = ReadAsync(id, order);
            lock (_refetches)
            {
                _refetches.Add(read);
            }
        }

        private async Task ReadAsync(int id, long order)
        {
            var todo = await _http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/todos/{id}");
            var title = todo.GetProperty("title").GetString()!;
            lock (_seen)
            {
                if (!_seen.TryGetValue(id, out var seen) || seen.Order < order)
                {
                    _seen[id] = (order, title);
                }
            }
        }
    }
}
