namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>A context type whose invalidations go through the outbox (<c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;</c>).</summary>
internal sealed record OutboxRegistration(Type ContextType);

/// <summary>
/// The context types of the app whose saves write to the outbox, each with the wakeup of its relay; the interceptor
/// reads it to choose between the outbox and publishing directly.
/// </summary>
internal sealed class Outboxes(IEnumerable<OutboxRegistration> registrations, TimeProvider time)
{
    private readonly Dictionary<Type, OutboxWakeup> _wakeups = registrations.DistinctBy(registration => registration.ContextType)
        .ToDictionary(registration => registration.ContextType, _ => new OutboxWakeup());

    /// <summary>The clock of the rows' <c>CreatedAt</c> and of the relays' waits.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>The wakeup of <paramref name="contextType"/>'s relay, or null when its saves publish directly.</summary>
    public OutboxWakeup? Find(Type contextType) => _wakeups.GetValueOrDefault(contextType);

    /// <summary>The error of a context type relayed through the outbox whose model has no outbox table.</summary>
    public static InvalidOperationException NoTable(Type contextType) => new(
        $"{contextType.Name} is relayed through the tag invalidation outbox (AddEntityFrameworkCoreOutbox<{contextType.Name}>()), but its model has "
        + $"no outbox table: call modelBuilder.AddTagInvalidationOutbox() in {contextType.Name}.OnModelCreating, then add a migration (or let EnsureCreated create it).");
}
