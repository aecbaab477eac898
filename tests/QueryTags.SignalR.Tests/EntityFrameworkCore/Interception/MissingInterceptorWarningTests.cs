using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Tests.Infrastructure;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Internal;

/// <summary>
/// A model that declares tags on a context configured without <c>UseTagInvalidation</c>: its saves succeed and
/// publish nothing, so the first one says so, once per model (EF Core builds one per context type), on a real
/// SQLite database. Each test has a context type of its own, which no other test saves with.
/// </summary>
public sealed class MissingInterceptorWarningTests : SqliteTests
{
    [Fact]
    public async Task A_context_whose_model_declares_tags_but_lacks_the_interceptor_warns_once_naming_it_and_the_fix()
    {
        var logs = new RecordingLoggerFactory();
        var options = new DbContextOptionsBuilder<ForgottenDb>().UseSqlite(Database.ConnectionString).UseLoggerFactory(logs).Options;

        foreach (var async in new[] { false, true, false, true })
        {
            using var db = new ForgottenDb(options);
            db.Todos.Add(new Todo { Title = $"milk {Guid.NewGuid():N}" });
            _ = async ? await db.SaveChangesAsync() : db.SaveChanges();
        }

        var warning = Assert.Single(Warnings(logs));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(nameof(ForgottenDb), warning.Message, StringComparison.Ordinal);
        Assert.Contains("UseTagInvalidation(services)", warning.Message, StringComparison.Ordinal);
        Assert.Equal(4, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
        Assert.Empty(Invalidator.Calls);
    }

    [Fact]
    public async Task A_context_with_the_interceptor_or_without_declarations_says_nothing()
    {
        var logs = new RecordingLoggerFactory();
        using (var declared = Database.Todos())
        {
            declared.Todos.Add(new Todo { Title = "milk" });
            await declared.SaveChangesAsync();
        }

        using (var plain = new PlainDb(new DbContextOptionsBuilder<PlainDb>().UseSqlite(Database.ConnectionString).UseLoggerFactory(logs).Options))
        {
            plain.Todos.Add(new Todo { Title = "eggs" });
            await plain.SaveChangesAsync();
        }

        Assert.Single(Invalidator.Calls);
        Assert.Empty(Warnings(Database.Logs));
        Assert.Empty(Warnings(logs));
    }

    private static IEnumerable<(LogLevel Level, EventId Event, string Message, Exception? Exception)> Warnings(RecordingLoggerFactory logs) =>
        logs.Logger.Entries.Where(entry => entry.Event.Name == "InterceptorMissing");

    /// <summary>The todos table with tags declared, configured without the interceptor.</summary>
    private sealed class ForgottenDb(DbContextOptions<ForgottenDb> options) : DbContext(options)
    {
        public DbSet<Todo> Todos => Set<Todo>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<Todo>().InvalidatesTags(todo => [["todos"], ["todo", todo.Id]]);
    }

    /// <summary>The todos table with no tags declared.</summary>
    private sealed class PlainDb(DbContextOptions<PlainDb> options) : DbContext(options)
    {
        public DbSet<Todo> Todos => Set<Todo>();
    }
}
