using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>A way a committed change becomes an invalidation, as the app would set it up.</summary>
internal abstract class CommitPath(string name)
{
    public string Name { get; } = name;

    /// <summary>The interceptor publishes once the save has committed, in the saving request.</summary>
    public static CommitPath Direct { get; } = new DirectPath();

    public static IReadOnlyList<CommitPath> All { get; } = [Direct];

    /// <summary>Configures the context's options (the tag interceptor, or what this path needs instead).</summary>
    public abstract void ConfigureContext(DbContextOptionsBuilder options, IServiceProvider services);

    private sealed class DirectPath() : CommitPath("interceptor")
    {
        public override void ConfigureContext(DbContextOptionsBuilder options, IServiceProvider services) => options.UseTagInvalidation(services);
    }
}
