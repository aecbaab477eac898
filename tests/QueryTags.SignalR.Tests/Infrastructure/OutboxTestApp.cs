using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.EntityFrameworkCore.Internal;

// EF Core's analyzer takes any "EntityFrameworkCore.Internal" namespace for its own internals; this one is ours.
#pragma warning disable EF1001

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>
/// One instance of an app on a database (a SQLite file unless told) whose <typeparamref name="TContext"/> goes through the outbox: its services
/// as AddTagInvalidation().AddEntityFrameworkCoreOutbox registers them, with a recording invalidator, a fake clock and
/// recorded logs. Its relay runs only once started; an instance disposed without starting it is a process that died
/// after its commits and before any publish.
/// </summary>
internal sealed class OutboxTestApp<TContext> : IAsyncDisposable
    where TContext : DbContext
{
    private readonly ServiceProvider _services;
    private readonly IServiceCollection _registrations;
    private IHostedService? _relay;
    private bool _started;

    public OutboxTestApp(string connectionString, RecordingTagInvalidator invalidator, FakeTimeProvider time, RecordingLoggerFactory logs, Action<TagInvalidationOutboxOptions>? configure = null)
        : this(options => options.UseSqlite(connectionString), invalidator, time, logs, configure)
    {
    }

    /// <param name="useDatabase">The provider and database, such as <c>options =&gt; options.UseNpgsql(...)</c>.</param>
    public OutboxTestApp(Action<DbContextOptionsBuilder> useDatabase, RecordingTagInvalidator invalidator, FakeTimeProvider time, RecordingLoggerFactory logs, Action<TagInvalidationOutboxOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging().Replace(ServiceDescriptor.Singleton<ILoggerFactory>(logs));
        services.AddTagInvalidation().AddEntityFrameworkCoreOutbox<TContext>(configure);
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
        services.Replace(ServiceDescriptor.Singleton<ITagInvalidator>(invalidator));
        services.AddDbContext<TContext>((provider, options) => useDatabase(options.UseTagInvalidation(provider)));
        _registrations = services;
        _services = services.BuildServiceProvider();
    }

    /// <summary>The relay, as registered for the host to start (the app's other hosted services would need SignalR).</summary>
    public IHostedService Relay => _relay ??= (IHostedService)ActivatorUtilities.CreateInstance(
        _services, _registrations.Single(descriptor => descriptor.ServiceType == typeof(IHostedService) && descriptor.ImplementationType == typeof(OutboxRelay<TContext>)).ImplementationType!);

    /// <summary>A context of a scope of its own (disposed with the app).</summary>
    public TContext Context() => _services.CreateScope().ServiceProvider.GetRequiredService<TContext>();

    public Task StartAsync()
    {
        _started = true;
        return Relay.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await Relay.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}
