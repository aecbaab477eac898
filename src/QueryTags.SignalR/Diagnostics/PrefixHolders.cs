namespace QueryTags.SignalR.Internal;

/// <summary>How many connections of this node are in the group of one prefix.</summary>
/// <param name="Prefix">The prefix's canonical text.</param>
/// <param name="Depth">Its segment count.</param>
/// <param name="Holders">Connections in its group.</param>
internal readonly record struct PrefixHolders(string Prefix, int Depth, int Holders);
