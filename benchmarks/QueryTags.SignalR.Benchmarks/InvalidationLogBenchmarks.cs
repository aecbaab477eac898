using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Benchmarks;

/// <summary>The in-memory log every invalidation is appended to before it is sent, and the replay a subscribe with a cursor asks.</summary>
public class InvalidationLogBenchmarks
{
    private readonly Tag[] _invalidated = [["todo", 5], ["todos"]];
    private readonly Tag[] _held = [.. Enumerable.Range(0, 10).Select(i => new Tag("todo", i, "comments"))];
    private InMemoryInvalidationLog _log = null!;
    private InvalidationCursor _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _log = new InMemoryInvalidationLog(Options.Create(new TagInvalidationOptions()), TimeProvider.System);
        _cursor = _log.AppendAsync(_invalidated, CancellationToken.None).Result;
    }

    [Benchmark]
    public InvalidationCursor Append() => _log.AppendAsync(_invalidated, CancellationToken.None).Result;

    [Benchmark]
    public int ReplayTenHeldTags() => _log.ReplayAsync(_held, _cursor, null, CancellationToken.None).Result.Missed.Count;
}
