using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.EntityFrameworkCore.Internal;
using QueryTags.SignalR.Testing;

// EF Core's analyzer takes any "EntityFrameworkCore.Internal" namespace for its own internals; this one is ours.
#pragma warning disable EF1001

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Internal;

/// <summary>
/// The outbox on a real SQLite file: a committed transaction's tags are a row of it, written inside it and published
/// right after the commit under the row's id; the relay deletes the rows published so, and publishes the others
/// (a failed publish, a process that died) under their ids, oldest first, at start and when a failed publish wakes
/// it (the fake clock never polls unless a test moves it), and retries while the log fails.
/// </summary>
public sealed class OutboxTests : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"querytags-outbox-{Guid.NewGuid():N}.db");
    private readonly List<IAsyncDisposable> _apps = [];

    public OutboxTests()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();
        using var db = new OutboxTodoDb(new DbContextOptionsBuilder<OutboxTodoDb>().UseSqlite(ConnectionString).Options);
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL");
        db.Database.EnsureCreated();
    }

    private string ConnectionString { get; }

    private RecordingTagInvalidator Invalidator { get; } = new();

    private FakeTimeProvider Time { get; } = new();

    private RecordingLoggerFactory Logs { get; } = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_committed_save_writes_one_row_with_its_tags_and_the_key_the_database_gave_and_publishes_it_under_its_id_once_committed(bool async)
    {
        var app = App();
        using var db = app.Context();
        var todo = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(todo);
        List<(long, string, string, string?)>? committedRows = null;
        Invalidator.OnInvalidate = _ => committedRows = OutboxRows.Read(ConnectionString);

        Assert.Equal(1, async ? await db.SaveChangesAsync() : db.SaveChanges());

        // The relay is not started: the row stays, and it is the one the save published once it was committed.
        var row = Assert.Single(OutboxRows.Read(ConnectionString));
        Assert.Equal([row], committedRows);
        TagAssert.Equivalent(OutboxTagsText.Parse(row.Tags), ["todos"], ["todo", todo.Id], ["list", 1]);
        Assert.StartsWith("outbox-", row.InvalidationId);
        Assert.Null(row.Error);
        var (id, tags) = Assert.Single(Invalidator.Published);
        Assert.Equal(row.InvalidationId, id);
        Assert.Equal(row.Tags, OutboxTagsText.Format(tags));

        // The transaction it forced on the save is the save's alone: the context's own setting is back.
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, db.Database.AutoTransactionBehavior);
    }

    [Fact]
    public async Task A_save_that_throws_writes_no_row()
    {
        var app = App();
        using var db = app.Context();
        db.Todos.AddRange(new Todo { Title = "milk", ListId = 1 }, new Todo { Title = "milk", ListId = 2 });

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Empty(OutboxRows.Read(ConnectionString));
        Assert.Equal(0, Count("Todos"));
        Assert.Empty(Invalidator.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Saves_in_a_transaction_write_one_row_at_its_commit_and_none_when_it_rolls_back(bool async)
    {
        var app = App();
        using var db = app.Context();
        Todo milk = new() { Title = "milk", ListId = 1 }, bread = new() { Title = "bread", ListId = 2 };
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Todos.Add(milk);
            await db.SaveChangesAsync();
            db.Todos.Add(bread);
            await db.SaveChangesAsync();
            Assert.Empty(OutboxRows.Read(ConnectionString));
            Assert.Empty(Invalidator.Calls);
            if (async)
            {
                await transaction.CommitAsync();
            }
            else
            {
                transaction.Commit();
            }
        }

        await using (var rolledBack = await db.Database.BeginTransactionAsync())
        {
            db.Todos.Add(new Todo { Title = "eggs", ListId = 3 });
            await db.SaveChangesAsync();
            await rolledBack.RollbackAsync();
        }

        var row = Assert.Single(OutboxRows.Read(ConnectionString));
        TagAssert.Equivalent(OutboxTagsText.Parse(row.Tags), ["todos"], ["todo", milk.Id], ["list", 1], ["todo", bread.Id], ["list", 2]);
        Assert.Equal(2, Count("Todos"));
        Assert.Equal(row.InvalidationId, Assert.Single(Invalidator.Published).Id);
    }

    [Fact]
    public async Task The_relay_deletes_the_rows_published_after_their_commits_without_publishing_them_again()
    {
        // A row left by a process that died: the relay's pass at start publishes it, and its delete ends that pass.
        // Saves made meanwhile could be read by that pass too (a harmless second send of one id), so they wait for it.
        Invalidator.Failure = new InvalidOperationException("The process is dying.");
        var dead = App();
        using (var db = dead.Context())
        {
            db.Todos.Add(new Todo { Title = "left over", ListId = 1 });
            await db.SaveChangesAsync();
        }

        await dead.DisposeAsync();
        Invalidator.Failure = null;
        var app = App();
        await app.StartAsync();
        await Eventually.TrueAsync(() => OutboxRows.Read(ConnectionString).Count == 0, "the start pass to publish the row left over");
        var afterStart = Invalidator.Published.Count;

        using var context = app.Context();
        foreach (var title in new[] { "milk", "bread" })
        {
            context.Todos.Add(new Todo { Title = title, ListId = 1 });
            await context.SaveChangesAsync();

            // The clock never moves: no poll; the published row's id, handed to the relay, gets it deleted.
            await Eventually.TrueAsync(() => OutboxRows.Read(ConnectionString).Count == 0, "the published row to be deleted");
        }

        // The last save is the sentinel: for the one before it, the relay sent nothing of its own.
        Assert.Equal(1, afterStart);
        Assert.Equal(afterStart + 2, Invalidator.Published.Count);
    }

    [Fact]
    public async Task Rows_of_a_process_that_died_after_its_commits_are_published_at_the_next_start_oldest_first()
    {
        // The fault: every publish after a commit fails, and the process dies before its relay could publish.
        Invalidator.Failure = new InvalidOperationException("The process is dying.");
        var dead = App();
        List<Todo> todos = [];
        foreach (var title in new[] { "milk", "bread", "eggs" })
        {
            using var db = dead.Context();
            var todo = new Todo { Title = title, ListId = 1 };
            db.Todos.Add(todo);
            await db.SaveChangesAsync();
            todos.Add(todo);
        }

        await dead.DisposeAsync();
        var waiting = OutboxRows.Read(ConnectionString).Select(row => row.InvalidationId).ToList();
        Assert.Equal(3, waiting.Count);
        Assert.Empty(Invalidator.Published);
        Invalidator.Failure = null;

        // Batches of two: the three rows take two passes, in order all the same.
        var next = App(options => options.BatchSize = 2);
        await next.StartAsync();

        await Eventually.TrueAsync(() => OutboxRows.Read(ConnectionString).Count == 0, "the rows to be published and deleted");
        Assert.Equal(waiting, Invalidator.Published.Select(call => call.Id));
        Assert.Equal(todos.Select(todo => Tag.Parse($"""["todo",{todo.Id}]""")), Invalidator.Published.Select(call => call.Tags.Single(tag => tag.Canonical.StartsWith("[\"todo\",", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task While_the_log_fails_the_save_succeeds_and_its_row_waits_then_is_published_once_after_a_doubling_delay()
    {
        Invalidator.Failure = new InvalidOperationException("The invalidation log is unreachable.");
        var app = App();
        await app.StartAsync();
        using var db = app.Context();
        db.Todos.Add(new Todo { Title = "milk", ListId = 1 });

        Assert.Equal(1, await db.SaveChangesAsync());

        Assert.Equal(LogLevel.Warning, Assert.Single(Logs.Logger.Entries, entry => entry.Event.Id == 6).Level);
        await Eventually.TrueAsync(() => Logs.Logger.Entries.Any(entry => entry.Event.Id == 11), "the relay to log its failure");
        var row = Assert.Single(OutboxRows.Read(ConnectionString));
        Assert.Equal(1, Count("Todos"));
        Assert.Equal(LogLevel.Warning, Logs.Logger.Entries.First(entry => entry.Event.Id == 11).Level);

        // Back: the next attempt, a fake second later (then two, four...), publishes it.
        Invalidator.Failure = null;
        await Eventually.TrueAsync(() =>
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            return OutboxRows.Read(ConnectionString).Count == 0;
        }, "the row to be published once the log is back");

        // A later save, published after it, is the sentinel: the row was published once.
        db.Todos.Add(new Todo { Title = "bread", ListId = 2 });
        await db.SaveChangesAsync();
        await Eventually.TrueAsync(() => Invalidator.Published.Count == 2 && OutboxRows.Read(ConnectionString).Count == 0, () => $"{Invalidator.Published.Count} published");
        Assert.Equal(row.InvalidationId, Invalidator.Published[0].Id);
        Assert.Single(Logs.Logger.Entries, entry => entry.Event.Id == 13);
    }

    [Fact]
    public async Task Two_relays_on_one_database_publish_each_row_under_one_id()
    {
        Invalidator.Failure = new InvalidOperationException("The invalidation log is unreachable.");
        var first = App();
        var second = App();
        List<int> keys = [];
        for (var i = 0; i < 10; i++)
        {
            using var db = (i % 2 == 0 ? first : second).Context();
            var todo = new Todo { Title = $"todo {i}", ListId = i };
            db.Todos.Add(todo);
            await db.SaveChangesAsync();
            keys.Add(todo.Id);
        }

        var rows = OutboxRows.Read(ConnectionString).ToDictionary(row => row.InvalidationId, row => row.Tags);
        Assert.Equal(10, rows.Count);
        Invalidator.Failure = null;
        await Task.WhenAll(first.StartAsync(), second.StartAsync());

        await Eventually.TrueAsync(() => OutboxRows.Read(ConnectionString).Count == 0, "every row to be published and deleted");
        var published = Invalidator.Published;
        Assert.Equal(rows.Keys.Order(), published.Select(call => call.Id).Distinct().Order());
        Assert.All(published, call => Assert.Equal(rows[call.Id], OutboxTagsText.Format(call.Tags)));
        Assert.All(keys, key => Assert.Single(published.Where(call => call.Tags.Contains(Tag.Parse($"""["todo",{key}]"""))).Select(call => call.Id).Distinct()));
    }

    [Fact]
    public async Task A_row_whose_tags_do_not_parse_is_set_aside_with_the_reason_and_logged_and_the_rows_after_it_are_published()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """INSERT INTO "TagInvalidationOutbox" ("InvalidationId", "Tags", "CreatedAt") VALUES ('outbox-broken', '[["todo",', '2026-12-07 00:00:00+00:00')""";
            insert.ExecuteNonQuery();
        }

        var app = App();
        using (var db = app.Context())
        {
            db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
            await db.SaveChangesAsync();
        }

        await app.StartAsync();

        await Eventually.TrueAsync(() => OutboxRows.Read(ConnectionString) is [{ Error: not null }], "the good row to be deleted and the bad one set aside");
        var setAside = Assert.Single(OutboxRows.Read(ConnectionString));
        Assert.Equal("outbox-broken", setAside.InvalidationId);
        Assert.Contains("not a JSON array of tags", setAside.Error);
        Assert.DoesNotContain(Invalidator.Calls, call => call.Count == 0);
        Assert.Single(Invalidator.Published);
        var log = Assert.Single(Logs.Logger.Entries, entry => entry.Event.Id == 12);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains("outbox-broken", log.Message);
    }

    [Fact]
    public async Task The_table_a_migration_creates_from_the_model_takes_the_rows_the_relay_publishes()
    {
        var migrated = new SqliteConnectionStringBuilder { DataSource = _path + ".migrated", Pooling = false }.ToString();
        using (var empty = new OutboxTodoDb(new DbContextOptionsBuilder<OutboxTodoDb>().UseSqlite(migrated).Options))
        {
            // What a migration of this model does: the differences from no model, as SQL of the provider.
            var model = empty.GetService<IDesignTimeModel>().Model;
            var operations = empty.GetService<IMigrationsModelDiffer>().GetDifferences(null, model.GetRelationalModel());
            Assert.Contains(operations, operation => operation is CreateTableOperation { Name: "TagInvalidationOutbox" } table
                && table.Columns.Select(column => column.Name).Order().SequenceEqual(["CreatedAt", "Error", "Id", "InvalidationId", "Tags"]));
            foreach (var command in empty.GetService<IMigrationsSqlGenerator>().Generate(operations, model))
            {
                empty.Database.ExecuteSqlRaw(command.CommandText);
            }
        }

        var app = App(connectionString: migrated);
        await app.StartAsync();
        using var db = app.Context();
        db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
        await db.SaveChangesAsync();

        await Eventually.TrueAsync(() => Invalidator.Published.Count > 0 && OutboxRows.Read(migrated).Count == 0, "the row to be published and deleted");

        // The relay's pass at start may have read the row while the save published it: one id, sent twice.
        Assert.Single(Invalidator.Published.Select(call => call.Id).Distinct());
    }

    [Fact]
    public async Task A_relayed_context_whose_model_lacks_the_table_fails_its_save_and_the_relay_start_naming_the_call()
    {
        var app = new OutboxTestApp<TodoDb>(ConnectionString, Invalidator, Time, Logs);
        _apps.Add(app);
        using var db = app.Context();
        db.Todos.Add(new Todo { Title = "milk", ListId = 1 });

        var save = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => app.Relay.StartAsync(CancellationToken.None));

        Assert.Equal(save.Message, start.Message);
        Assert.Contains("modelBuilder.AddTagInvalidationOutbox()", start.Message);
        Assert.Contains("TodoDb", start.Message);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        foreach (var file in new[] { _path, _path + ".migrated" }.SelectMany(path => new[] { path, path + "-wal", path + "-shm" }))
        {
            File.Delete(file);
        }
    }

    private OutboxTestApp<OutboxTodoDb> App(Action<TagInvalidationOutboxOptions>? configure = null, string? connectionString = null)
    {
        var app = new OutboxTestApp<OutboxTodoDb>(connectionString ?? ConnectionString, Invalidator, Time, Logs, configure);
        _apps.Add(app);
        return app;
    }

    private long Count(string table)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }
}
