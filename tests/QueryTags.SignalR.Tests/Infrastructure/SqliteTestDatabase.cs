using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>
/// A real SQLite database in a temp file (WAL, so a second connection reads what is committed while a transaction
/// is open), contexts on it with tag invalidation into a <see cref="RecordingTagInvalidator"/>, and what they log
/// and count.
/// </summary>
internal sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"querytags-efcore-{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public SqliteTestDatabase()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();
        ReadCommitted("PRAGMA journal_mode=WAL");
        using (var todos = Todos())
        {
            todos.Database.EnsureCreated();
        }

        using var conventions = Conventions();
        conventions.GetService<IRelationalDatabaseCreator>().CreateTables();
    }

    public string ConnectionString { get; }

    public RecordingTagInvalidator Invalidator { get; } = new();

    public RecordingLoggerFactory Logs { get; } = new();

    /// <summary>A meter factory of this database alone, so its counters see no other test's measurements.</summary>
    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public TodoDb Todos() => new(new DbContextOptionsBuilder<TodoDb>()
        .UseSqlite(ConnectionString)
        .UseTagInvalidation(Invalidator, Logs, Meters)
        .Options);

    /// <summary>Saves <paramref name="todos"/> through a context without tag invalidation.</summary>
    public void Seed(params Todo[] todos)
    {
        using var db = new TodoDb(new DbContextOptionsBuilder<TodoDb>().UseSqlite(ConnectionString).Options);
        db.Todos.AddRange(todos);
        db.SaveChanges();
    }

    public ConventionDb Conventions() => new(new DbContextOptionsBuilder<ConventionDb>()
        .UseSqlite(ConnectionString)
        .UseTagInvalidation(Invalidator, Logs, Meters)
        .Options);

    /// <summary>Runs <paramref name="sql"/> on a connection of its own: a query sees only committed data.</summary>
    public long ReadCommitted(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public void Dispose()
    {
        _services.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
