using System.Diagnostics;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// Waits for a condition by polling it, under one generous bound that fails the test only when the condition never
/// comes true: the bound is never what a test measures. Linked into both test projects as source.
/// </summary>
internal static class Eventually
{
    /// <summary>The bound unless a test gives its own.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <param name="condition">Polled until it holds.</param>
    /// <param name="what">What the test waits for, for the failure message.</param>
    /// <param name="bound">How long before the test fails; <see cref="Bound"/> unless given.</param>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? bound = null) =>
        TrueAsync(() => Task.FromResult(condition()), () => what, bound);

    /// <param name="condition">Polled until it holds.</param>
    /// <param name="state">What was seen, read when the test fails.</param>
    /// <param name="bound">How long before the test fails; <see cref="Bound"/> unless given.</param>
    public static Task TrueAsync(Func<bool> condition, Func<string> state, TimeSpan? bound = null) =>
        TrueAsync(() => Task.FromResult(condition()), state, bound);

    /// <param name="condition">Polled, one attempt at a time, until it holds.</param>
    /// <param name="state">What was seen, read when the test fails.</param>
    /// <param name="bound">How long before the test fails; <see cref="Bound"/> unless given.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> state, TimeSpan? bound = null)
    {
        var limit = bound ?? Bound;
        var waiting = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waiting.Elapsed > limit)
            {
                Xunit.Assert.Fail($"Not within {limit.TotalSeconds:0} s: {state()}.");
            }

            await Task.Delay(Poll);
        }
    }
}
