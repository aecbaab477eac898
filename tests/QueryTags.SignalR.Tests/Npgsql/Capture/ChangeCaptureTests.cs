using Microsoft.EntityFrameworkCore;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

/// <summary>
/// Change capture on a real PostgreSQL server: changes made by psql (a process of its own) and by EF Core reach the
/// invalidator once per committed transaction, with the tags the model declares for the old and the new values.
/// Absence is proved by a later sentinel, whose invalidation comes after every change committed before it.
/// </summary>
public sealed class ChangeCaptureTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task An_update_made_with_psql_publishes_the_tags_of_the_old_and_the_new_values_once()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await database.PsqlAsync("""INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (7, 'milk', 1, false)""");
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""UPDATE "Todos" SET "ListId" = 2, "Done" = true WHERE "Id" = 7""");
        await database.SentinelAsync("after-update");
        await node.SentinelAsync("after-update");

        Assert.Equal(["[\"list\",1] [\"list\",2] [\"todo\",7] [\"todos\"]", "[\"sentinel\",\"after-update\"]"], node.Published());
    }

    [Fact]
    public async Task An_insert_and_a_delete_made_with_psql_publish_the_row_s_tags_each()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (3, 'bread', 4, false)""");
        await database.PsqlAsync("""DELETE FROM "Todos" WHERE "Id" = 3""");
        await database.SentinelAsync("after-delete");
        await node.SentinelAsync("after-delete");

        Assert.Equal(
            ["[\"list\",4] [\"todo\",3] [\"todos\"]", "[\"list\",4] [\"todo\",3] [\"todos\"]", "[\"sentinel\",\"after-delete\"]"],
            node.Published());
        Assert.Equal(3, node.Invalidations.Ids.Distinct().Count());
    }

    [Fact]
    public async Task A_rolled_back_transaction_publishes_nothing()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""BEGIN; INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (5, 'never', 9, false); ROLLBACK;""");
        await database.SentinelAsync("after-rollback");
        await node.SentinelAsync("after-rollback");

        Assert.Equal(["[\"sentinel\",\"after-rollback\"]"], node.Published());
    }

    [Fact]
    public async Task A_transaction_of_several_statements_publishes_one_invalidation_in_commit_order()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""
            BEGIN;
            INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (1, 'a', 1, false);
            INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (2, 'b', 2, false);
            INSERT INTO sentinels VALUES ('inside');
            COMMIT;
            """);
        await database.SentinelAsync("second");
        await node.SentinelAsync("second");

        Assert.Equal(
            ["[\"list\",1] [\"list\",2] [\"sentinel\",\"inside\"] [\"todo\",1] [\"todo\",2] [\"todos\"]", "[\"sentinel\",\"second\"]"],
            node.Published());
    }

    [Fact]
    public async Task Ten_thousand_rows_in_one_transaction_publish_one_invalidation_cut_to_prefixes()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""INSERT INTO "Todos" ("Title", "ListId", "Done") SELECT 'bulk ' || i, i % 3, false FROM generate_series(1, 10000) AS i""");
        await database.SentinelAsync("after-bulk");
        await node.SentinelAsync("after-bulk");

        Assert.Equal(["[\"list\"] [\"todo\"] [\"todos\"]", "[\"sentinel\",\"after-bulk\"]"], node.Published());
    }

    [Fact]
    public async Task ExecuteUpdate_is_published_and_a_SaveChanges_once_not_by_the_interceptor_too()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await database.PsqlAsync("""INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (8, 'eggs', 3, false)""");
        await using var node = await CaptureNode.StartAsync(database);

        await using (var scope = node.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TodoDb>();
            await context.Todos.Where(todo => todo.Id == 8).ExecuteUpdateAsync(set => set.SetProperty(todo => todo.Done, true));
            context.Todos.Add(new Todo { Id = 9, Title = "saved", ListId = 5 });
            await context.SaveChangesAsync();
        }

        await database.SentinelAsync("after-ef");
        await node.SentinelAsync("after-ef");

        Assert.Equal(
            ["[\"list\",3] [\"todo\",8] [\"todos\"]", "[\"list\",5] [\"todo\",9] [\"todos\"]", "[\"sentinel\",\"after-ef\"]"],
            node.Published());
    }

    [Fact]
    public async Task A_change_made_while_the_app_was_down_is_published_when_it_starts()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await (await CaptureNode.StartAsync(database)).DisposeAsync();

        await database.PsqlAsync("""INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (4, 'while down', 6, false)""");
        await database.SentinelAsync("while-down");
        await using var node = await CaptureNode.StartAsync(database);
        await node.SentinelAsync("while-down");

        Assert.Equal(["[\"list\",6] [\"todo\",4] [\"todos\"]", "[\"sentinel\",\"while-down\"]"], node.Published());
    }

    [Fact]
    public async Task A_publish_that_fails_is_retried_under_the_same_id_before_the_slot_moves_on()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        var invalidations = new RecordingTagInvalidator { Failure = new InvalidationLogUnavailableException("The test's log is down.") };
        await using var node = await CaptureNode.StartAsync(database, invalidations: invalidations);

        await database.SentinelAsync("retried");
        await Eventually.TrueAsync(() => invalidations.Calls.Count >= 2, "a second attempt");
        invalidations.Failure = null;
        await database.SentinelAsync("next");
        await node.SentinelAsync("next");

        var ids = invalidations.Ids;
        Assert.Single(ids.SkipLast(1).Distinct());
        Assert.Matches("^pg:[0-9]+:capture_[0-9_]+:[0-9A-F]{16}$", ids[0]);
    }

    [Fact]
    public async Task A_slot_dropped_by_an_operator_resets_the_clients_of_every_node_and_capture_goes_on_with_a_new_slot()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = await CaptureNode.StartAsync(database);
        await database.SentinelAsync("before-drop");
        await node.SentinelAsync("before-drop");
        await using var standby = await CaptureNode.StartAsync(database);

        // An active slot cannot be dropped: the operator ends its reader first, and tries again if it came back.
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(postgres.Server.ConnectionString);
                    await connection.OpenAsync();
                    await using var drop = new NpgsqlCommand(
                        $"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{database.Name}' AND active; SELECT pg_drop_replication_slot('{database.Name}')",
                        connection);
                    await drop.ExecuteNonQueryAsync();
                    return true;
                }
                catch (PostgresException)
                {
                    return false;
                }
            },
            () => "the slot dropped");

        await Eventually.TrueAsync(
            () => node.Resets.Reasons.Contains("capture-slot-lost") && standby.Resets.Reasons.Contains("capture-slot-lost"),
            () => $"a reset on both nodes; resets: [{string.Join(", ", node.Resets.Reasons)}] and [{string.Join(", ", standby.Resets.Reasons)}]");
        await database.SentinelAsync("after-drop");
        await Eventually.TrueAsync(
            () => node.Invalidations.Calls.Concat(standby.Invalidations.Calls).Any(tags => tags.Contains(["sentinel", "after-drop"])),
            "the sentinel after the drop, from either node");
    }

    [Fact]
    public async Task A_truncate_resets_the_clients_since_its_rows_are_unknown()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await database.PsqlAsync("""INSERT INTO "Todos" ("Id", "Title", "ListId", "Done") VALUES (1, 'gone', 1, false)""");
        await using var node = await CaptureNode.StartAsync(database);

        await database.PsqlAsync("""TRUNCATE "Todos" """);
        await database.SentinelAsync("after-truncate");
        await node.SentinelAsync("after-truncate");

        Assert.Equal(["capture-truncate"], node.Resets.Reasons);
        Assert.Equal(["[\"sentinel\",\"after-truncate\"]"], node.Published());
    }

    [Fact]
    public async Task A_published_transaction_is_counted_and_the_health_check_says_the_node_reads_the_slot()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await using var node = CaptureNode.Build(database);
        using var published = new CounterRecorder(node.Services.GetRequiredService<IMeterFactory>(), "querytags.capture.transactions.published");
        await node.StartAsync();

        await database.SentinelAsync("counted");
        await node.SentinelAsync("counted");

        Assert.Equal(1, published.Measurements.Sum(measurement => measurement.Value));
        var health = await node.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var capture = health.Entries[PostgresChangeCaptureBuilderExtensions.HealthCheckName];
        Assert.Equal(HealthStatus.Healthy, capture.Status);
        Assert.Equal($"PostgreSQL change capture: reading slot {database.Name}.", capture.Description);
        var section = Assert.Single(node.Services.GetServices<ITagInvalidationDiagnosticsSection>(), section => section.Name == "capture");
        var figures = (await section.ReadAsync(default))!.AsObject();
        Assert.Equal(("reading", database.Name, 1L, 0L), (figures["state"]!.GetValue<string>(), figures["slot"]!.GetValue<string>(), figures["published"]!.GetValue<long>(), figures["resets"]!.GetValue<long>()));
        Assert.True(figures["lastDelayMs"]!.GetValue<double>() >= 0);
        Assert.True(figures["lagBytes"]!.GetValue<long>() >= 0);
    }

    [Fact]
    public async Task A_user_without_REPLICATION_stops_the_host_at_start_with_what_to_run()
    {
        var database = await CaptureDatabase.CreateAsync(postgres.Server);
        await database.PsqlAsync($"CREATE ROLE {database.Name}_app LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO {database.Name}_app");
        await using var node = CaptureNode.Build(database.As($"{database.Name}_app"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(node.StartAsync);

        Assert.Contains($"ALTER ROLE \"{database.Name}_app\" REPLICATION", refused.Message);
    }
}
