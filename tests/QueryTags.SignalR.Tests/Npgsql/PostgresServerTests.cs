using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Npgsql;

/// <summary>
/// The throwaway PostgreSQL server the capture tests stand on: it runs with logical decoding on, and a change made with
/// plain SQL, as psql would make it, comes back from a <c>pgoutput</c> slot through Npgsql's replication API.
/// </summary>
public sealed class PostgresServerTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_server_runs_with_wal_level_logical()
    {
        await using var connection = await OpenAsync();
        await using var show = new NpgsqlCommand("SHOW wal_level", connection);

        Assert.Equal("logical", await show.ExecuteScalarAsync());
    }

    [Fact]
    public async Task An_update_made_with_plain_SQL_comes_back_from_a_pgoutput_slot_between_begin_and_commit()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, """
            CREATE TABLE round_trip (id int PRIMARY KEY, title text NOT NULL);
            INSERT INTO round_trip VALUES (1, 'before');
            CREATE PUBLICATION round_trip_changes FOR TABLE round_trip;
            """);
        await using var replication = new LogicalReplicationConnection(postgres.Server.ConnectionString);
        await replication.Open(timeout.Token);
        var slot = await replication.CreatePgOutputReplicationSlot("round_trip_slot", temporarySlot: true, cancellationToken: timeout.Token);

        // Made after the slot, so the stream starts with it; the insert above came before and is not in it.
        await ExecuteAsync(connection, "UPDATE round_trip SET title = 'after' WHERE id = 1");

        var seen = new List<string>();
        var options = new PgOutputReplicationOptions("round_trip_changes", PgOutputProtocolVersion.V1);
        await foreach (var message in replication.StartReplication(slot, options, timeout.Token))
        {
            switch (message)
            {
                case BeginMessage:
                    seen.Add("begin");
                    break;
                case UpdateMessage update:
                    seen.Add($"update {update.Relation.Namespace}.{update.Relation.RelationName} {await NewTitleAsync(update, timeout.Token)}");
                    break;
                case CommitMessage:
                    seen.Add("commit");
                    break;
            }

            replication.SetReplicationStatus(message.WalEnd);
            if (message is CommitMessage)
            {
                break;
            }
        }

        Assert.Equal(["begin", "update public.round_trip after", "commit"], seen);
    }

    [Fact]
    public async Task Disposing_a_server_stops_it_and_deletes_its_folder()
    {
        var server = await PostgresServer.StartAsync();
        await server.DisposeAsync();

        Assert.False(Directory.Exists(server.Folder));
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await Assert.ThrowsAsync<NpgsqlException>(() => connection.OpenAsync());
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(postgres.Server.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> NewTitleAsync(UpdateMessage update, CancellationToken cancellationToken)
    {
        string? title = null;
        await foreach (var value in update.NewRow.WithCancellation(cancellationToken))
        {
            if (value.GetFieldName() == "title")
            {
                title = await value.Get<string>(cancellationToken);
            }
        }

        return title;
    }
}
