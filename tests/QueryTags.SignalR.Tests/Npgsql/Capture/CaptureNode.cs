using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using QueryTags.SignalR.Npgsql;
using QueryTags.SignalR.Testing;
using QueryTags.SignalR.Tests.StackExchangeRedis;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

/// <summary>
/// One app node with change capture on a test database: the real capture service and the real <see cref="TodoDb"/>
/// on PostgreSQL, with the invalidations and resets it sends recorded.
/// </summary>
internal sealed class CaptureNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private CaptureNode(IHost host, RecordingTagInvalidator invalidations, RecordingClientReset resets)
    {
        _host = host;
        Invalidations = invalidations;
        Resets = resets;
    }

    public RecordingTagInvalidator Invalidations { get; }

    public RecordingClientReset Resets { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>A host built, not started: <see cref="IHost.StartAsync"/> is what a test of start-up refusal calls.</summary>
    public static CaptureNode Build(CaptureDatabase database, Action<PostgresChangeCaptureOptions>? configure = null, RecordingTagInvalidator? invalidations = null)
    {
        invalidations ??= new RecordingTagInvalidator();
        var resets = new RecordingClientReset();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDbContext<TodoDb>((services, options) => options.UseNpgsql(database.ConnectionString).UseTagInvalidation(services));
        builder.Services.AddTagInvalidation().AddSignalR();
        builder.Services.AddTagInvalidation().AddPostgresChangeCapture<TodoDb>(database.ConnectionString, options =>
        {
            options.SlotName = database.Name;
            options.PublicationName = database.Name;
            options.RetryInterval = TimeSpan.FromMilliseconds(200);
            options.MapTable("sentinels", row => [["sentinel", (string)row["title"]!]]);
            configure?.Invoke(options);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<ITagInvalidator>(invalidations));
        builder.Services.Replace(ServiceDescriptor.Singleton<ILocalClientReset>(resets));
        return new CaptureNode(builder.Build(), invalidations, resets);
    }

    public static async Task<CaptureNode> StartAsync(CaptureDatabase database, Action<PostgresChangeCaptureOptions>? configure = null, RecordingTagInvalidator? invalidations = null)
    {
        var node = Build(database, configure, invalidations);
        await node.StartAsync();
        return node;
    }

    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    /// <summary>The tags of each invalidation, as canonical text, one string per invalidation.</summary>
    public IReadOnlyList<string> Published() => [.. Invalidations.Calls.Select(tags => string.Join(" ", tags.Select(tag => tag.Canonical).Order(StringComparer.Ordinal)))];

    /// <summary>Waits for the sentinel's invalidation (an update of the todo titled <paramref name="title"/>), which comes after every change committed before it.</summary>
    public Task SentinelAsync(string title) =>
        Eventually.TrueAsync(() => Invalidations.Calls.Any(tags => tags.Contains(["sentinel", title])), () => $"the sentinel {title}; published: {string.Join(" | ", Published())}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await _host.StopAsync();
            }
        }
        finally
        {
            _host.Dispose();
        }
    }
}
