using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using QueryTags.SignalR.LoadTest.Server;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Processes;

/// <summary>
/// One server under test in its own process, on a free loopback port: this program's <c>serve</c> command for
/// the SignalR systems, <c>node server.mjs</c> for socket.io. Both print Kestrel's "Now listening on: URL" and
/// answer the same control endpoints; the SignalR servers also print the URL of their HTTP/2 endpoint.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _process;
    private readonly HttpClient _control;
    private readonly Uri? _http2Address;

    private ServerProcess(BenchSystem system, ChildProcess process, Uri address, Uri? http2Address)
    {
        System = system;
        _process = process;
        Address = address;
        _http2Address = http2Address;
        _control = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    }

    public BenchSystem System { get; }

    public Uri Address { get; }

    /// <summary>What the clients connect to over HTTP/1.1: the hub, or socket.io's root.</summary>
    public Uri ClientUrl => System == BenchSystem.SocketIo ? Address : new Uri(Address, BenchServerApp.HubPath);

    /// <summary>The hub on the HTTP/2-only endpoint (SignalR servers only: socket.io's <c>ws</c> server has no HTTP/2 WebSockets).</summary>
    public Uri Http2ClientUrl => new(_http2Address ?? throw new InvalidOperationException($"{System.Id()} has no HTTP/2 endpoint."), BenchServerApp.HubPath);

    public int Pid => _process.Pid;

    /// <summary>The last lines it printed.</summary>
    public string LastLines() => _process.LastLines();

    /// <param name="serveOptions">More options of the <c>serve</c> command, such as <c>--refetch-spread</c>.</param>
    public static async Task<ServerProcess> StartAsync(BenchSystem system, string? redis = null, IReadOnlyList<string>? serveOptions = null)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var http2 = new TaskCompletionSource<Uri?>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
            else if (Http2Line().Match(line) is { Success: true } announced)
            {
                http2.TrySetResult(new Uri(announced.Groups[1].Value));
            }
        }

        ChildProcess process;
        if (system == BenchSystem.SocketIo)
        {
            // --expose-gc: POST /bench/gc runs a full collection before memory is read, as the .NET servers do.
            process = ChildProcess.Start("node", ["--expose-gc", "server.mjs"], OnLine, workingDirectory: BenchPaths.SocketIoDirectory);
            http2.SetResult(null);
        }
        else
        {
            var (fileName, arguments) = BenchPaths.Self();
            string[] serve = redis is null ? ["serve", system.Id(), .. serveOptions ?? []] : ["serve", system.Id(), "--redis", redis];

            // Server GC, as every ASP.NET Core app has by default (this program itself, the load generator, runs
            // with the workstation GC, which leaves the cores to the server between its collections).
            process = ChildProcess.Start(fileName, [.. arguments, .. serve], OnLine, environment: new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        }

        try
        {
            await Task.WhenAll((Task)listening.Task, http2.Task).WaitAsync(StartTimeout);
            return new ServerProcess(system, process, await listening.Task, await http2.Task);
        }
        catch (TimeoutException)
        {
            var output = process.LastLines();
            await process.DisposeAsync();
            throw new InvalidOperationException($"The {system.Id()} server did not say where it listens within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{output}");
        }
    }

    public async Task<PublishReport> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await _control.PostAsJsonAsync("/bench/publish", request, cancellationToken);
        await EnsureSuccessAsync(response);
        return await response.Content.ReadFromJsonAsync<PublishReport>(cancellationToken)
            ?? throw new InvalidOperationException("POST /bench/publish answered nothing.");
    }

    /// <summary>Publishes one invalidation of <paramref name="tag"/> (our hub only); returns its sequence in the log.</summary>
    public async Task<long> InvalidateAsync(Tag tag)
    {
        using var response = await _control.PostAsync($"/bench/invalidate?tag={Uri.EscapeDataString(tag.Canonical)}", null);
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<InvalidateReport>())?.Sequence
            ?? throw new InvalidOperationException("POST /bench/invalidate answered nothing.");
    }

    /// <summary>Resets every connection of the node (our hub only) and starts the herd's clock; returns how many were reset.</summary>
    public async Task<int> HerdResetAsync()
    {
        using var response = await _control.PostAsync("/bench/herd/reset", null);
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("connections").GetInt32();
    }

    /// <summary>When each data request since the herd's reset arrived and ended, in ms after the reset.</summary>
    public async Task<double[][]> HerdRefetchesAsync() =>
        await _control.GetFromJsonAsync<double[][]>("/bench/herd/refetches") ?? [];

    /// <summary>Sends SIGTERM and waits for the process to exit; returns how long that took.</summary>
    public async Task<TimeSpan> TerminateAsync()
    {
        var began = Stopwatch.GetTimestamp();
        await _process.TerminateAsync();
        return Stopwatch.GetElapsedTime(began);
    }

    /// <summary>Runs a full collection in the server; returns its managed (JS: V8) heap in bytes.</summary>
    /// <param name="releaseMemory">Also have the GC return the memory it keeps committed (.NET: an aggressive collection; Node: no difference).</param>
    public async Task<long> CollectGarbageAsync(bool releaseMemory = false)
    {
        using var response = await _control.PostAsync(releaseMemory ? "/bench/gc?release=true" : "/bench/gc", null);
        await EnsureSuccessAsync(response);
        var answer = await response.Content.ReadFromJsonAsync<GcReport>()
            ?? throw new InvalidOperationException("POST /bench/gc answered nothing.");
        return answer.ManagedBytes;
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        await _process.DisposeAsync();
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}{Environment.NewLine}{_process.LastLines()}");
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(BenchServerApp.Http2Announcement + @" (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Http2Line();

    private sealed record GcReport(long ManagedBytes);

    private sealed record InvalidateReport(long Sequence);
}
