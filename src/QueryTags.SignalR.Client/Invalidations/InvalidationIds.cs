namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The invalidation ids of a <c>QueryTags-Invalidation-Id</c> header: one, or several for a request that saved several
/// times (<c>id-1, id-2</c>, an HTTP list).
/// </summary>
internal static class InvalidationIds
{
    public static string[] Read(string header) =>
        header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
