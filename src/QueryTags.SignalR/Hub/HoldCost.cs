namespace QueryTags.SignalR.Internal;

/// <summary>What holding one more tag adds to a connection: prefix groups, and characters of text kept.</summary>
internal readonly record struct HoldCost(int Groups, int Text);
