namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// Tests that measure the heap run one at a time (this collection is not run in parallel with any other), and read it
/// the same way: after full, compacting, blocking collections, finalizers run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "Memory measurements";

    public static long HeapAfterFullCollection()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
