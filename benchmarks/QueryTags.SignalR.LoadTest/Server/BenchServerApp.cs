using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The server process of one SignalR system (the <c>serve</c> command): its hub at <c>/hubs/invalidation</c>
/// with MessagePack, and the control endpoints the load generator drives, the same ones the socket.io server
/// has: <c>POST /bench/publish</c> (a <see cref="PublishRequest"/>) and <c>POST /bench/gc</c> (a full blocking
/// collection, then the managed heap size, so memory is read at a steady state).
/// </summary>
internal static class BenchServerApp
{
    public const string HubPath = "/hubs/invalidation";

    /// <param name="system">Which hub to serve.</param>
    /// <param name="redis">A Redis to share with other nodes (SignalR's backplane, and our log), or null.</param>
    public static WebApplication Build(BenchSystem system, string? redis)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        ISignalRServerBuilder signalR;
        if (system == BenchSystem.QueryTags)
        {
            var tagInvalidation = builder.Services.AddTagInvalidation();
            signalR = tagInvalidation.AddSignalR();
            if (redis is not null)
            {
                tagInvalidation.AddRedisLog(redis);
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
        var app = builder.Build();
        _ = system switch
        {
            BenchSystem.QueryTags => app.MapTagInvalidation(HubPath),
            BenchSystem.SignalRGroups => app.MapHub<GroupBaselineHub>(HubPath),
            BenchSystem.SignalRBroadcast => app.MapHub<BroadcastBaselineHub>(HubPath),
            _ => throw new ArgumentException($"{system.Id()} is not served by .NET.", nameof(system)),
        };
        app.MapPost("/bench/publish", (PublishRequest request, PublishLoop loop, CancellationToken aborted) => loop.RunAsync(request, aborted));
        app.MapPost("/bench/gc", () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return new { managedBytes = GC.GetTotalMemory(forceFullCollection: false) };
        });
        return app;
    }
}
