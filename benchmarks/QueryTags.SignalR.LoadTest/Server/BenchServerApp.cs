using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The server process of one SignalR system (the <c>serve</c> command): its hub at <c>/hubs/invalidation</c>
/// with MessagePack, and the control endpoints the load generator drives, the same ones the socket.io server
/// has: <c>POST /bench/publish</c> (a <see cref="PublishRequest"/>), <c>POST /bench/invalidate?tag=</c> (ours only: one
/// invalidation, answered with its sequence) and <c>POST /bench/gc</c> (a full blocking
/// collection, then the managed heap size, so memory is read at a steady state; <c>?release=true</c> also has the
/// GC return the memory it keeps committed).
/// It listens on two free loopback ports: Kestrel's default protocols (WebSockets over HTTP/1.1 without TLS), and
/// HTTP/2 only, where WebSockets are streams of shared TCP connections (RFC 8441; h2c with prior knowledge).
/// </summary>
internal static class BenchServerApp
{
    public const string HubPath = "/hubs/invalidation";

    /// <summary>What the process prints before the HTTP/2 endpoint's URL once it listens (Kestrel prints both URLs without their protocols).</summary>
    public const string Http2Announcement = "HTTP/2 only on:";

    /// <param name="system">Which hub to serve.</param>
    /// <param name="redis">A Redis to share with other nodes (SignalR's backplane, and our log), or null.</param>
    /// <param name="refetchSpread">Our hub's <see cref="TagInvalidationOptions.RefetchSpread"/> (null: its default).</param>
    public static WebApplication Build(BenchSystem system, string? redis, TimeSpan? refetchSpread = null)
    {
        var builder = WebApplication.CreateBuilder();
        ListenOptions? http2 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // WebSockets over HTTP/1.1: Kestrel's default protocols, which without TLS are HTTP/1.1. Bound first,
            // so Kestrel's first "Now listening on" line, the one ServerProcess reads, is this endpoint's.
            kestrel.Listen(IPAddress.Loopback, 0);

            // Kestrel's HTTP/2 limits stay at their defaults (100 streams per connection, its flow-control
            // windows): what a user of Kestrel gets.
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                http2 = listen;
            });
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
            .AddFilter("QueryTags.SignalR.InvalidationHub", LogLevel.Information);

        ISignalRServerBuilder signalR;
        if (system == BenchSystem.QueryTags)
        {
            // The publish time travels in the source text (the wire field origin), which clients only receive when the app opts in.
            var tagInvalidation = builder.Services.AddTagInvalidation(options =>
            {
                options.SendSourceToClients = true;
                options.RefetchSpread = refetchSpread;
            });
            signalR = tagInvalidation.AddSignalR();
            if (redis is not null)
            {
                tagInvalidation.AddStackExchangeRedisInvalidationLog(redis);
            }

            builder.Services.AddSingleton<IBenchPublisher, QueryTagsPublisher>();
        }
        else
        {
            signalR = builder.Services.AddSignalR();
            builder.Services.AddSingleton<IBenchPublisher>(services => system == BenchSystem.SignalRGroups
                ? ActivatorUtilities.CreateInstance<GroupBaselinePublisher>(services)
                : ActivatorUtilities.CreateInstance<BroadcastBaselinePublisher>(services));
        }

        signalR.AddMessagePackProtocol();
        if (redis is not null)
        {
            signalR.AddStackExchangeRedis(redis);
        }

        builder.Services.AddSingleton<PublishLoop>();
        builder.Services.AddHealthChecks();
        var app = builder.Build();
        _ = system switch
        {
            BenchSystem.QueryTags => app.MapTagInvalidation(HubPath),
            BenchSystem.SignalRGroups => app.MapHub<GroupBaselineHub>(HubPath),
            BenchSystem.SignalRBroadcast => app.MapHub<BroadcastBaselineHub>(HubPath),
            _ => throw new ArgumentException($"{system.Id()} is not served by .NET.", nameof(system)),
        };
        app.MapHealthChecks("/health");
        app.MapPost("/bench/publish", (PublishRequest request, PublishLoop loop, CancellationToken aborted) => loop.RunAsync(request, aborted));
        if (system == BenchSystem.QueryTags)
        {
            // One invalidation, answered with its sequence: the drain scenario counts what its clients heard against it.
            app.MapPost("/bench/invalidate", async (string tag, ITagInvalidator invalidator) =>
                new { sequence = (await invalidator.InvalidateTagsAsync([Tag.Parse(tag)])).Cursor!.Value.Sequence });
            app.MapHerdEndpoints();
        }

        app.MapPost("/bench/gc", (bool? release) =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            if (release == true)
            {
                // Aggressive also hands the memory the GC keeps committed for later allocations back to the system.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            return new { managedBytes = GC.GetTotalMemory(forceFullCollection: false) };
        });

        // Binding a port 0 endpoint fills in the port it got.
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"{Http2Announcement} http://{http2!.IPEndPoint}"));
        return app;
    }
}
