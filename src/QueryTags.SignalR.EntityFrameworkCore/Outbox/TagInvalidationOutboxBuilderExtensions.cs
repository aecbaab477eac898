using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryTags.SignalR;
using QueryTags.SignalR.EntityFrameworkCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Relays a context's invalidations through the transactional outbox.</summary>
public static class TagInvalidationOutboxBuilderExtensions
{
    /// <summary>
    /// Turns the outbox on for <typeparamref name="TContext"/>: each committed transaction's tags are written to the
    /// outbox table inside that transaction (so they commit or roll back with the data), and a relay of this app
    /// publishes them after the commit and at every start, then deletes them. A save then reaches clients even when
    /// the process dies right after its commit, or the invalidation log is down at that moment (as soon as it is
    /// back). The model needs the table: <c>modelBuilder.AddTagInvalidationOutbox()</c>; the context needs the
    /// interceptor: <c>options.UseTagInvalidation(services)</c>.
    /// </summary>
    /// <typeparam name="TContext">The context type whose saves go through the outbox.</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Sets the relay's <see cref="TagInvalidationOutboxOptions"/>; the defaults when null.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>The host does not start when the model lacks the table; the message says what to call.</remarks>
    public static ITagInvalidationBuilder AddEntityFrameworkCoreOutbox<TContext>(this ITagInvalidationBuilder builder, Action<TagInvalidationOutboxOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<TagInvalidationOutboxOptions>(OutboxRelay<TContext>.OptionsName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TagInvalidationOutboxOptions>, TagInvalidationOutboxOptionsValidator>());
        services.TryAddSingleton<Outboxes>();
        var registration = new OutboxRegistration(typeof(TContext));
        if (!services.Any(descriptor => registration.Equals(descriptor.ImplementationInstance)))
        {
            services.AddSingleton(registration);
            services.AddHostedService<OutboxRelay<TContext>>();
        }

        return builder;
    }
}
