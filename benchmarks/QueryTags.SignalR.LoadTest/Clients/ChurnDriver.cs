using System.Diagnostics;
using QueryTags.SignalR.LoadTest.Measurement;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// Runs the churn scenario over the .NET load connections: swaps and reconnects at the asked rates, each on a
/// connection picked at random that is not already busy (the Node load clients do the same).
/// </summary>
internal sealed class ChurnDriver
{
    private const int MaxInFlight = 256;
    private readonly IReadOnlyList<SignalRLoadClient> _clients;
    private readonly Tag[] _swapTags;
    private readonly ChurnRates _rates;
    private readonly LoadCounters _counters;
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new(7);
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private Task _loop = Task.CompletedTask;
    private int _nextSwapTag;

    private ChurnDriver(IReadOnlyList<SignalRLoadClient> clients, Tag[] swapTags, ChurnRates rates, LoadCounters counters)
    {
        _clients = clients;
        _swapTags = swapTags;
        _rates = rates;
        _counters = counters;
    }

    public static ChurnDriver Start(IReadOnlyList<SignalRLoadClient> clients, Tag[] swapTags, ChurnRates rates, LoadCounters counters)
    {
        var driver = new ChurnDriver(clients, swapTags, rates, counters);
        driver._loop = driver.RunAsync();
        return driver;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _inFlight.WaitAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var clock = Stopwatch.StartNew();
        double swapsDone = 0, reconnectsDone = 0;
        while (!_stop.IsCancellationRequested && _clients.Count > 0)
        {
            var elapsed = clock.Elapsed.TotalSeconds;
            for (; swapsDone < elapsed * _rates.SwapsPerSecond; swapsDone++)
            {
                var tag = _swapTags[_nextSwapTag++ % _swapTags.Length];
                await RunOnAnyAsync(client => client.SwapAsync(tag, Random.Shared));
            }

            for (; reconnectsDone < elapsed * _rates.ReconnectsPerSecond; reconnectsDone++)
            {
                await RunOnAnyAsync(client => client.ReconnectAsync());
            }

            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunOnAnyAsync(Func<SignalRLoadClient, Task> operation)
    {
        var client = _clients[_random.Next(_clients.Count)];
        if (!client.TryBeginChurn())
        {
            return;
        }

        await _inFlight.WaitAsync();
        _ = Task.Run(async () =>
        {
            try
            {
                await operation(client);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _counters.Error();
            }
            finally
            {
                client.EndChurn();
                _inFlight.Release();
            }
        });
    }
}
