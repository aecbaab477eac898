using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using QueryTags.SignalR;
using QueryTags.SignalR.EntityFrameworkCore;
using QueryTags.SignalR.Npgsql;
using QueryTags.SignalR.Npgsql.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>PostgreSQL change capture: every committed row change of the captured tables publishes its tags, whoever made it.</summary>
public static class PostgresChangeCaptureBuilderExtensions
{
    /// <summary>The name of the health check change capture registers.</summary>
    public const string HealthCheckName = "querytags-postgres-capture";

    /// <summary>
    /// Captures the tables of <typeparamref name="TContext"/>'s entity types that have tags (<c>InvalidatesTags</c>,
    /// <c>UseTagInvalidationConvention</c>) at <paramref name="connectionString"/>: each committed transaction, made by
    /// the app or anyone else, publishes one invalidation of its rows' tags (old and new values), computed by the
    /// model's own declarations. The context's saves then publish nothing themselves (<c>UseTagInvalidation(services)</c>
    /// sees the capture), so a change reaches clients once.
    /// </summary>
    /// <typeparam name="TContext">The EF Core context whose model declares the tags; registered with <c>AddDbContext</c>.</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="connectionString">The Npgsql connection string; its user needs the <c>REPLICATION</c> attribute.</param>
    /// <param name="configure">Sets other options (the slot's name, the bound on tags), or maps tables outside the model; optional.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ITagInvalidationBuilder AddPostgresChangeCapture<TContext>(
        this ITagInvalidationBuilder builder, string connectionString, Action<PostgresChangeCaptureOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddPostgresChangeCapture(options =>
        {
            options.ConnectionString = connectionString;
            if (!options.Contexts.Contains(typeof(TContext)))
            {
                options.Contexts.Add(typeof(TContext));
            }

            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Captures committed row changes from PostgreSQL with logical replication and publishes one invalidation per
    /// transaction, in commit order: the tables mapped with <see cref="PostgresChangeCaptureOptions.MapTable"/>. At
    /// start it refuses a server without <c>wal_level = logical</c> or a user without <c>REPLICATION</c> (the host
    /// stops with what to set), sets the tables' replica identity, and creates the publication and the slot when
    /// missing. Registers the health check <c>querytags-postgres-capture</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on.</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Sets the connection string and maps the tables.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddPostgresChangeCapture<TBuilder>(this TBuilder builder, Action<PostgresChangeCaptureOptions> configure)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgresChangeCaptureOptions>().Configure(configure)
            .Validate(options => !string.IsNullOrWhiteSpace(options.ConnectionString), "PostgresChangeCaptureOptions needs a ConnectionString.")
            .Validate(options => IsSlotName(options.SlotName), "PostgresChangeCaptureOptions.SlotName must be 1 to 63 of a-z, 0-9 and _ (PostgreSQL's rule for slot names).")
            .Validate(options => !string.IsNullOrEmpty(options.PublicationName), "PostgresChangeCaptureOptions.PublicationName must not be empty.")
            .Validate(options => options.MaxTagsPerInvalidation > 0, "PostgresChangeCaptureOptions.MaxTagsPerInvalidation must be positive.")
            .Validate(options => options.RetryInterval > TimeSpan.Zero, "PostgresChangeCaptureOptions.RetryInterval must be positive.")
            .ValidateOnStart();
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ChangeCaptureService)))
        {
            return builder;
        }

        services.TryAddSingleton<IDatabaseChangeCapture, CapturedContexts>();
        services.AddSingleton<ChangeCaptureMetrics>();
        services.AddSingleton<ChangeCaptureStatus>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITagInvalidationDiagnosticsSection, ChangeCaptureDiagnosticsSection>());
        services.AddSingleton<ChangeCaptureService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ChangeCaptureService>());
        services.AddHealthChecks().AddCheck<ChangeCaptureHealthCheck>(HealthCheckName);
        return builder;
    }

    private static bool IsSlotName(string name) =>
        name is { Length: > 0 and <= 63 } && name.All(character => character is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
