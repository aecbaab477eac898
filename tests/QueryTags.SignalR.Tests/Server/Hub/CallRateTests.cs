using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class CallRateTests
{
    private readonly ManualTimeProvider _time = new();
    private CallRate _rate;

    [Fact]
    public void A_burst_of_one_seconds_calls_passes_then_each_call_waits_its_share()
    {
        for (var call = 0; call < 20; call++)
        {
            Assert.Equal(TimeSpan.Zero, Take(tags: 1));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(50), Take(tags: 1));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(TimeSpan.FromMilliseconds(50), Take(tags: 1));
    }

    [Fact]
    public void Tags_are_counted_on_their_own_rate()
    {
        Assert.Equal(TimeSpan.Zero, Take(tags: 1024));
        Assert.Equal(TimeSpan.FromSeconds(0.25), Take(tags: 256));

        // A second later the debt is paid and the bucket has refilled, up to one second's worth.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, Take(tags: 1024));
    }

    private TimeSpan Take(int tags) => _rate.Take(tags, _time.GetTimestamp(), _time, callsPerSecond: 20, tagsPerSecond: 1024);
}
