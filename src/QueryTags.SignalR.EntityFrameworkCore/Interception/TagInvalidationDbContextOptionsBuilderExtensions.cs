using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using QueryTags.SignalR;
using QueryTags.SignalR.EntityFrameworkCore;
using QueryTags.SignalR.EntityFrameworkCore.Internal;

namespace Microsoft.EntityFrameworkCore;

/// <summary>
/// Publishes the tags of saved changes through <see cref="ITagInvalidator"/>: one invalidation per committed save.
/// </summary>
public static class TagInvalidationDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Adds the interceptor that publishes one invalidation per committed save: the distinct tags of the entities
    /// added, modified (their old and new values) and deleted, as the model declares them
    /// (<c>InvalidatesTags</c>, <c>UseTagInvalidationConvention</c>). It publishes when SaveChanges returns, or,
    /// inside a transaction, when that transaction commits; never when SaveChanges fails or the transaction rolls
    /// back. A publish that fails is logged and counted, and the save still succeeds.
    /// </summary>
    /// <param name="optionsBuilder">The context's options, as in <c>AddDbContext&lt;T&gt;((services, options) =&gt; ...)</c>.</param>
    /// <param name="services">The app's services: <see cref="ITagInvalidator"/> (from <c>AddTagInvalidation()</c>), logging and metrics.</param>
    /// <returns>The options builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="ITagInvalidator"/> is registered.</exception>
    /// <remarks>
    /// When an <see cref="IDatabaseChangeCapture"/> is registered and captures this context's changes (PostgreSQL change
    /// capture), the saves publish nothing themselves: the capture publishes each committed change once.
    /// </remarks>
    public static DbContextOptionsBuilder UseTagInvalidation(this DbContextOptionsBuilder optionsBuilder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<IDatabaseChangeCapture>()?.Captures(optionsBuilder.Options.ContextType) == true)
        {
            return optionsBuilder.AddInterceptors(CapturedAtDatabase.Instance);
        }

        var invalidator = services.GetService<ITagInvalidator>()
            ?? throw new InvalidOperationException("UseTagInvalidation needs an ITagInvalidator: call 'services.AddTagInvalidation()'.");
        // A context type relayed through the outbox (AddEntityFrameworkCoreOutbox) writes its tags there instead.
        return optionsBuilder.AddInterceptor(invalidator, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>(), services.GetService<Outboxes>());
    }

    /// <summary>
    /// Adds the interceptor that publishes one invalidation per committed save through <paramref name="invalidator"/>;
    /// see <see cref="UseTagInvalidation(DbContextOptionsBuilder, IServiceProvider)"/>.
    /// </summary>
    /// <param name="optionsBuilder">The context's options.</param>
    /// <param name="invalidator">Where invalidations go.</param>
    /// <param name="loggerFactory">Logs failed publishes (category <c>QueryTags.SignalR.EntityFrameworkCore</c>); none when null.</param>
    /// <param name="meterFactory">Creates the <c>QueryTags.SignalR</c> meter of the failure counters; a meter of its own when null.</param>
    /// <returns>The options builder, for chaining.</returns>
    public static DbContextOptionsBuilder UseTagInvalidation(
        this DbContextOptionsBuilder optionsBuilder, ITagInvalidator invalidator, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        ArgumentNullException.ThrowIfNull(invalidator);
        return optionsBuilder.AddInterceptor(invalidator, loggerFactory, meterFactory, outboxes: null);
    }

    /// <inheritdoc cref="UseTagInvalidation(DbContextOptionsBuilder, IServiceProvider)"/>
    public static DbContextOptionsBuilder<TContext> UseTagInvalidation<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, IServiceProvider services)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)((DbContextOptionsBuilder)optionsBuilder).UseTagInvalidation(services);

    /// <inheritdoc cref="UseTagInvalidation(DbContextOptionsBuilder, ITagInvalidator, ILoggerFactory?, IMeterFactory?)"/>
    public static DbContextOptionsBuilder<TContext> UseTagInvalidation<TContext>(
        this DbContextOptionsBuilder<TContext> optionsBuilder, ITagInvalidator invalidator, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)((DbContextOptionsBuilder)optionsBuilder).UseTagInvalidation(invalidator, loggerFactory, meterFactory);

    private static DbContextOptionsBuilder AddInterceptor(
        this DbContextOptionsBuilder optionsBuilder, ITagInvalidator invalidator, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, Outboxes? outboxes)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LogCategory);
        return optionsBuilder.AddInterceptors(new TagInvalidationInterceptor(invalidator, new EntityFrameworkCoreMetrics(meterFactory), logger, outboxes));
    }

    /// <summary>The category of this package's log messages.</summary>
    internal const string LogCategory = "QueryTags.SignalR.EntityFrameworkCore";
}
