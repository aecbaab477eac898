using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The one step every tag a connection asks to hold goes through: read from the wire, checked against the size
/// limits, authorized for the connection's user, then counted against the connection's limit of held tags. A
/// refused tag gets a rejection naming its rule; a new check is one more line here.
/// </summary>
internal sealed class TagAdmission(IOptions<TagInvalidationOptions> options, TagAuthorizer authorizer)
{
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxTagsPerConnection = options.Value.MaxTagsPerConnection;

    /// <summary>Admits what it can of <paramref name="tags"/> for a connection holding <paramref name="held"/>; holds nothing itself.</summary>
    public async ValueTask<(List<Tag> Accepted, List<TagRejection> Rejected)> AdmitAsync(object?[] tags, HubCallerContext context, ConnectionSubscriptions held)
    {
        var accepted = new List<Tag>(tags.Length);
        var rejected = new List<TagRejection>();
        var added = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Length; i++)
        {
            var read = TagReader.Read(tags[i], _limits);
            if (read.Tag is not { } tag)
            {
                rejected.Add(Rejection(i, RawTagText.Render(tags[i]), read.Rule!, read.Reason!));
                continue;
            }

            if (await authorizer.RefusalAsync(tag, context, held) is { } refusal)
            {
                rejected.Add(Rejection(i, tag.Canonical, TagRules.Forbidden, refusal));
                continue;
            }

            var isNew = !held.Holds(tag) && !added.Contains(tag.Canonical);
            var holding = held.Count + added.Count;
            if (isNew && holding >= _maxTagsPerConnection)
            {
                rejected.Add(Rejection(i, tag.Canonical, TagRules.TooManyTagsHeld,
                    $"{TagRules.Describe(TagRules.TooManyTagsHeld)}: it holds {holding}, at most {_maxTagsPerConnection}"));
                continue;
            }

            if (isNew)
            {
                added.Add(tag.Canonical);
            }

            accepted.Add(tag);
        }

        return (accepted, rejected);
    }

    private static TagRejection Rejection(int index, string tag, string rule, string reason) =>
        new() { Index = index, Tag = tag, Rule = rule, Reason = reason };
}
