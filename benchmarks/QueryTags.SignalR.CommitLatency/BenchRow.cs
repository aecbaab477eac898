namespace QueryTags.SignalR.CommitLatency;

/// <summary>One committed transaction's row; its slot is its tag, <c>["bench", slot]</c>, which the holder holds.</summary>
public sealed class BenchRow
{
    public long Id { get; set; }

    public int Slot { get; set; }
}
