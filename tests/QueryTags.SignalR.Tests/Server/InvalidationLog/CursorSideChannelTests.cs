using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>
/// A connection learns nothing from cursors and answers about invalidations it could not receive: an observer that
/// polls positions, probes with cursors from the future and around the retention horizon, and asks ages, gets the
/// same answers whether or not others invalidated their own tags meanwhile, on the same clock.
/// </summary>
public class CursorSideChannelTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);
    private static readonly Tag[] Held = [["todos"]];

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(500)]
    public async Task An_observer_gets_the_same_answers_whether_or_not_others_invalidated(int othersPerRound)
    {
        var quiet = await ObserveAsync(othersPerRound: 0);
        var busy = await ObserveAsync(othersPerRound);

        Assert.Equal(quiet, busy);
    }

    // One run: the observer's own tag is invalidated now and then (it may learn of those), others' private tags
    // (["user", "alice", n]) as often as asked, and the observer probes after each round. Everything it reads is
    // written down relative to its first position, since epochs are random.
    private static async Task<List<string>> ObserveAsync(int othersPerRound)
    {
        var time = new FakeTimeProvider();
        var log = new InMemoryInvalidationLog(Options.Create(new TagInvalidationOptions { RetentionWindow = Retention }), time);
        var seen = new List<string>();
        var first = (await log.ReplayAsync([], null, null, default)).Current;
        var cursor = first;
        for (var round = 0; round < 12; round++)
        {
            for (var i = 0; i < othersPerRound; i++)
            {
                await log.AppendAsync([["user", "alice", (round * 1_000) + i]], default);
            }

            if (round % 3 == 0)
            {
                await log.AppendAsync([["todos"]], default);
            }

            // A poll comes some time after what happened: here 2 ms, 20 s in the last rounds (past the window).
            time.Advance(round < 9 ? TimeSpan.FromMilliseconds(2) : TimeSpan.FromSeconds(20));

            // Subscribe([], null): the position alone.
            var position = (await log.ReplayAsync([], null, null, default)).Current;
            seen.Add($"position {position.Sequence - first.Sequence}");

            // Subscribe(held, cursor): what it missed since its last cursor.
            var replay = await log.ReplayAsync(Held, cursor, null, default);
            seen.Add($"since last: reset {replay.Reset}, missed {replay.Missed.Count}");
            cursor = replay.Current;

            // Cursors from the future (a binary search for the position) and around the retention horizon.
            foreach (var offset in new long[] { 1, 10, 1_000, 1_000_000, -1, -1_000 })
            {
                var probe = position with { Sequence = position.Sequence + offset };
                seen.Add($"probe {offset}: reset {(await log.ReplayAsync(Held, probe, null, default)).Reset}");
            }

            foreach (var beforeHorizon in new long[] { -1_000, 0, 1_000, 50_000_000 })
            {
                var probe = position with { Sequence = position.Sequence - CursorAnswer.Microseconds(Retention) + beforeHorizon };
                var answer = await log.ReplayAsync(Held, probe, null, default);
                seen.Add($"horizon {beforeHorizon}: reset {answer.Reset}, missed {answer.Missed.Count}");
            }

            foreach (var age in new[] { TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30), Retention + TimeSpan.FromSeconds(1) })
            {
                var answer = await log.ReplayAsync(Held, null, age, default);
                seen.Add($"age {age}: reset {answer.Reset}, missed {answer.Missed.Count}");
            }
        }

        return seen;
    }
}
