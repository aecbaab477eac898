using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

/// <summary>
/// A database of its own for one test on the shared server, with <see cref="TodoDb"/>'s tables and the table
/// <c>sentinels</c> created; its slot and publication take its name. psql, a process of its own, changes it as an operator would.
/// </summary>
internal sealed class CaptureDatabase
{
    private static int s_next;
    private readonly PostgresServer _server;

    private CaptureDatabase(PostgresServer server, string name, string user = "postgres")
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Username = user }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<CaptureDatabase> CreateAsync(PostgresServer server)
    {
        var database = new CaptureDatabase(server, $"capture_{Environment.ProcessId}_{Interlocked.Increment(ref s_next)}");
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database.Name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var context = database.Context();
        await context.Database.EnsureCreatedAsync();
        await database.PsqlAsync("CREATE TABLE sentinels (title text PRIMARY KEY)");
        return database;
    }

    /// <summary>The same database, reached as another user.</summary>
    public CaptureDatabase As(string user) => new(_server, Name, user);

    public TodoDb Context() => new(new DbContextOptionsBuilder<TodoDb>().UseNpgsql(ConnectionString).Options);

    /// <summary>Runs <paramref name="sql"/> with psql, a process of its own, as an operator or a script would.</summary>
    public Task PsqlAsync(string sql) => _server.PsqlAsync(Name, sql);

    /// <summary>
    /// A committed row of the table <c>sentinels</c>, outside the EF Core model and mapped by a function of the row
    /// (tag <c>["sentinel", title]</c>): its invalidation proves that every change committed before it was read.
    /// </summary>
    public Task SentinelAsync(string title) => PsqlAsync($"INSERT INTO sentinels VALUES ('{title}')");
}
