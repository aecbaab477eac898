using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>A way a committed change becomes an invalidation, registered as an app would register it.</summary>
internal abstract class CommitPath(string name)
{
    public string Name { get; } = name;

    /// <summary>The interceptor publishes once the save has committed, in the saving request.</summary>
    public static CommitPath Direct { get; } = new DirectPath();

    /// <summary>The save writes its invalidation as an outbox row in its transaction, and publishes it after the commit.</summary>
    public static CommitPath Outbox { get; } = new OutboxPath();

    /// <summary>PostgreSQL's log, read from a logical replication slot, publishes each committed transaction.</summary>
    public static CommitPath Capture { get; } = new CapturePath();

    public static IReadOnlyList<CommitPath> All { get; } = [Direct, Outbox, Capture];

    /// <summary>Registers what the path needs beside <c>UseTagInvalidation(services)</c>, which every path's context has.</summary>
    /// <param name="builder">The app's tag invalidation builder.</param>
    /// <param name="connectionString">The run's own database.</param>
    /// <param name="database">The run's database name, unique per run (a replication slot is the whole server's).</param>
    public abstract void Register(ITagInvalidationBuilder builder, string connectionString, string database);

    private sealed class DirectPath() : CommitPath("interceptor")
    {
        public override void Register(ITagInvalidationBuilder builder, string connectionString, string database)
        {
        }
    }

    private sealed class OutboxPath() : CommitPath("outbox")
    {
        public override void Register(ITagInvalidationBuilder builder, string connectionString, string database) =>
            builder.AddEntityFrameworkCoreOutbox<BenchDbContext>();
    }

    private sealed class CapturePath() : CommitPath("capture")
    {
        public override void Register(ITagInvalidationBuilder builder, string connectionString, string database) =>
            builder.AddPostgresChangeCapture<BenchDbContext>(connectionString, options =>
            {
                options.SlotName = database;
                options.PublicationName = database;
            });
    }
}
