using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Output-cached responses known by query tags, so that <c>AddTagInvalidation().AddOutputCacheEviction()</c> evicts them
/// when a matching tag is invalidated: invalidating <c>["todo"]</c> evicts the response cached for
/// <c>["todo", 5]</c>; invalidating <c>["todo", 5]</c> does not evict the one for <c>["todo", 6]</c>.
/// </summary>
/// <remarks>
/// Every form also guards the fill: an answer read before a save of its tags and
/// stored after that save's eviction is not stored, or, when the save lands during the store, is evicted again by
/// publishing its tags once more. That costs one read of the invalidation log per request (two when it stores).
/// </remarks>
public static class TagOutputCachePolicyBuilderExtensions
{
    /// <summary>
    /// Tags the cached response with fixed tags, written as they are: <c>.CacheOutput(policy =&gt; policy.InvalidatedByTags(["todos"]))</c>,
    /// or several, <c>policy.InvalidatedByTags(["todos"], ["stats"])</c>. There is no form with a lambda without
    /// parameters: <c>() =&gt; [["todos"]]</c> does not compile.
    /// </summary>
    /// <param name="policy">The output cache policy.</param>
    /// <param name="tags">The tags of the cached data, such as <c>["todos"]</c>, or <c>["todos"], ["stats"]</c>.</param>
    /// <returns>The policy, for chaining.</returns>
    public static OutputCachePolicyBuilder InvalidatedByTags(this OutputCachePolicyBuilder policy, params Tag[] tags) =>
        policy.InvalidatedByTags(RequestTagSource.Fixed(tags));

    /// <summary>Tags the cached response with tags computed from the request: <c>policy.InvalidatedByTags(context =&gt; [["user", context.User.Identity!.Name!]])</c>.</summary>
    /// <param name="policy">The output cache policy.</param>
    /// <param name="tags">Computes the tags of the cached data from the request.</param>
    /// <returns>The policy, for chaining.</returns>
    public static OutputCachePolicyBuilder InvalidatedByTags(this OutputCachePolicyBuilder policy, Func<HttpContext, IEnumerable<Tag>> tags) =>
        policy.InvalidatedByTags(RequestTagSource.FromContext(tags));

    /// <summary>
    /// Tags the cached response with tags computed from a request value:
    /// <c>policy.InvalidatedByTags((int id) =&gt; [["todo", id]])</c>. The parameter is bound by its name from the route
    /// values, then the query string.
    /// </summary>
    /// <typeparam name="T1">The parameter's type: a string, number, bool, Guid, enum or other <see cref="IParsable{TSelf}"/>.</typeparam>
    /// <param name="policy">The output cache policy.</param>
    /// <param name="tags">Computes the tags.</param>
    /// <returns>The policy, for chaining.</returns>
    public static OutputCachePolicyBuilder InvalidatedByTags<T1>(this OutputCachePolicyBuilder policy, Func<T1, IEnumerable<Tag>> tags) =>
        policy.InvalidatedByTags(RequestTagSource.FromDelegate(tags));

    /// <summary>Tags the cached response with tags computed from two request values; see <see cref="InvalidatedByTags{T1}"/>.</summary>
    /// <typeparam name="T1">The first parameter's type.</typeparam>
    /// <typeparam name="T2">The second parameter's type.</typeparam>
    /// <param name="policy">The output cache policy.</param>
    /// <param name="tags">Computes the tags.</param>
    /// <returns>The policy, for chaining.</returns>
    public static OutputCachePolicyBuilder InvalidatedByTags<T1, T2>(this OutputCachePolicyBuilder policy, Func<T1, T2, IEnumerable<Tag>> tags) =>
        policy.InvalidatedByTags(RequestTagSource.FromDelegate(tags));

    private static OutputCachePolicyBuilder InvalidatedByTags(this OutputCachePolicyBuilder policy, RequestTagSource source)
    {
        ArgumentNullException.ThrowIfNull(policy);

        // The policy builder has no public way to add a policy instance; a requirement sees the cache context of each
        // step, and adding the same tags again is harmless (a set).
        return policy.With(async (context, _) =>
        {
            var tags = source.For(context.HttpContext).ToList();
            context.Tags.Add(TagCacheTags.All);
            foreach (var tag in tags)
            {
                foreach (var text in TagCacheTags.OfOne(tag))
                {
                    context.Tags.Add(text);
                }
            }

            await CacheFillGuard.StepAsync(context, tags);
            return true;
        });
    }
}
