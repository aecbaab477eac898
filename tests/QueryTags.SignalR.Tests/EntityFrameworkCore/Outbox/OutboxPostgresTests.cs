using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using QueryTags.SignalR.Testing;
using QueryTags.SignalR.Tests.Npgsql;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Internal;

/// <summary>
/// The outbox on a real PostgreSQL server, a database of its own: the row is written with the provider's quoting,
/// parameters and types, inside the save's transaction, and the relay of the next instance publishes what a failed
/// publish left.
/// </summary>
public sealed class OutboxPostgresTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private readonly RecordingTagInvalidator _invalidator = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLoggerFactory _logs = new();

    [Fact]
    public async Task A_save_writes_its_row_in_its_transaction_a_rollback_none_and_a_row_left_by_a_failed_publish_goes_out_at_the_next_start()
    {
        var database = new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { Database = $"outbox_{Guid.NewGuid():N}" }.ToString();
        void UseDatabase(DbContextOptionsBuilder options) => options.UseNpgsql(database);
        List<string> committedIds = [];
        _invalidator.OnInvalidate = _ => committedIds = Rows(database);

        await using (var first = new OutboxTestApp<OutboxTodoDb>(UseDatabase, _invalidator, _time, _logs))
        {
            using var db = first.Context();
            await db.Database.EnsureCreatedAsync();
            var todo = new Todo { Title = "milk", ListId = 1 };
            db.Todos.Add(todo);
            await db.SaveChangesAsync();

            var (id, tags) = Assert.Single(_invalidator.Published);
            Assert.Equal([id], committedIds);
            TagAssert.Equivalent(tags, ["todos"], ["todo", todo.Id], ["list", 1]);

            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Todos.Add(new Todo { Title = "bread", ListId = 2 });
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            _invalidator.Failure = new InvalidOperationException("The invalidation log is unreachable.");
            db.Todos.Add(new Todo { Title = "eggs", ListId = 3 });
            await db.SaveChangesAsync();
        }

        var waiting = Rows(database);
        Assert.Equal(2, waiting.Count);
        _invalidator.Failure = null;
        await using var next = new OutboxTestApp<OutboxTodoDb>(UseDatabase, _invalidator, _time, _logs);
        await next.StartAsync();

        await Eventually.TrueAsync(() => Rows(database).Count == 0, "the rows to be published and deleted");
        Assert.Equal(waiting[1], _invalidator.Published[^1].Id);
    }

    private static List<string> Rows(string database)
    {
        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var command = new NpgsqlCommand("""SELECT "InvalidationId" FROM "TagInvalidationOutbox" ORDER BY "Id" """, connection);
        using var reader = command.ExecuteReader();
        List<string> ids = [];
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
