using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Testing;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests.Sample;

/// <summary>
/// The sample on PostgreSQL (<c>--Postgres</c>), in processes of its own: a change made with psql reaches a hub
/// holder, and when the node that reads the slot is killed with SIGKILL another takes over and the next change
/// reaches its holder once.
/// </summary>
public sealed class PostgresCaptureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_psql_update_of_the_sample_s_table_reaches_a_hub_holder()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var node = await SampleNode.StartOnPostgresAsync(postgres.ConnectionString);
        var id = await CreateTodoAsync(node, "from the API");
        await using var holder = await HolderAsync(node, id);

        await postgres.PsqlAsync("postgres", $"""UPDATE "Todos" SET "Title" = 'from psql' WHERE "Id" = {id}""");
        var committed = Stopwatch.StartNew();

        await Eventually.TrueAsync(() => holder.Heard.Count == 1, () => $"one invalidation; heard {string.Join(" | ", holder.Heard)}\n{node.Output}");
        output.WriteLine($"The holder heard the change {committed.ElapsedMilliseconds} ms after psql returned (polled every 20 ms).");
        Assert.Contains($"[\"todo\",{id}]", holder.Heard[0]);
    }

    [Fact]
    public async Task When_the_reading_node_is_killed_another_takes_over_and_the_next_change_reaches_its_holder_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var reader = await SampleNode.StartOnPostgresAsync(postgres.ConnectionString);
        try
        {
            await Eventually.TrueAsync(() => SlotReaderAsync(postgres).ContinueWith(pid => pid.Result is not null), () => $"the first node reading the slot\n{reader.Output}");
            await using var standby = await SampleNode.StartOnPostgresAsync(postgres.ConnectionString);
            var id = await CreateTodoAsync(standby, "before the kill");
            await using var holder = await HolderAsync(standby, id);

            reader.Kill();
            var killed = Stopwatch.StartNew();
            await postgres.PsqlAsync("postgres", $"""UPDATE "Todos" SET "Title" = 'after the kill' WHERE "Id" = {id}""");
            await Eventually.TrueAsync(() => holder.Heard.Count >= 1, () => $"the change on the standby node\n{standby.Output}", TimeSpan.FromSeconds(30));
            output.WriteLine($"The standby published the change {killed.ElapsedMilliseconds} ms after the reader was killed.");

            await postgres.PsqlAsync("postgres", $"""UPDATE "Todos" SET "Title" = 'sentinel' WHERE "Id" = {id}""");
            await Eventually.TrueAsync(() => holder.Heard.Count >= 2, () => $"the sentinel; heard {string.Join(" | ", holder.Heard)}");
            Assert.Equal(2, holder.Heard.Count);
        }
        finally
        {
            await reader.DisposeAsync();
        }
    }

    private static async Task<int> CreateTodoAsync(SampleNode node, string title)
    {
        using var http = node.Http();
        using var created = await http.PostAsJsonAsync("/api/todos", new { title });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<Holder> HolderAsync(SampleNode node, int id)
    {
        var client = TagInvalidationClient.Create(new Uri(node.Address, "/hubs/invalidation"));
        var holder = new Holder(client);
        await client.StartAsync();
        await client.SubscribeAsync([new Tag("todo", id)]);
        return holder;
    }

    private static async Task<int?> SlotReaderAsync(PostgresServer postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'querytags_capture'", connection);
        return await query.ExecuteScalarAsync() as int?;
    }

    /// <summary>A hub holder: the invalidations it heard, as the id and the held tags they matched.</summary>
    private sealed class Holder : IAsyncDisposable
    {
        private readonly TagInvalidationClient _client;
        private readonly List<string> _heard = [];

        public Holder(TagInvalidationClient client)
        {
            _client = client;
            client.Invalidated += (_, e) =>
            {
                lock (_heard)
                {
                    _heard.Add($"{e.Message.Id} {string.Join(" ", e.MatchedTags.Select(tag => tag.Canonical))}");
                }
            };
        }

        public IReadOnlyList<string> Heard
        {
            get
            {
                lock (_heard)
                {
                    return [.. _heard];
                }
            }
        }

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
