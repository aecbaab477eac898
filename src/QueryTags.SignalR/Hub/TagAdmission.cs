using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The one step every tag a connection asks to hold goes through: read from the wire, checked against the size
/// limits, authorized for the connection's user, counted against the connection's budget (held tags, prefix groups
/// and tag text), then held. A refused tag gets a rejection naming its rule; a new check is one more line here.
/// </summary>
/// <remarks>
/// Each accepted tag is held before the next is counted, so the budget is the connection's own state, and a tag's
/// cost is what <see cref="ConnectionSubscriptions.CostOf"/> says holding it adds: the call's earlier tags are
/// counted because they are held, not because a second count of the same rule remembered them.
/// </remarks>
internal sealed class TagAdmission(IOptions<TagInvalidationOptions> options, TagAuthorizer authorizer)
{
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxTagsPerConnection = options.Value.MaxTagsPerConnection;
    private readonly int _maxGroups = options.Value.MaxGroupsPerConnection;
    private readonly int _maxText = options.Value.MaxTagTextPerConnection;

    /// <summary>Holds what it can of <paramref name="tags"/> for the connection whose state is <paramref name="held"/>; the caller holds its gate.</summary>
    public async ValueTask<AdmittedTags> AdmitAsync(object?[] tags, HubCallerContext context, ConnectionSubscriptions held)
    {
        var admitted = new AdmittedTags(tags.Length);
        try
        {
            for (var i = 0; i < tags.Length; i++)
            {
                if (!TryRead(tags[i], i, out var tag, out var unreadable))
                {
                    admitted.Rejected.Add(unreadable);
                    continue;
                }

                if (await authorizer.RefusalAsync(tag, context, held) is { } refusal)
                {
                    admitted.Rejected.Add(Rejection(i, tag.Canonical, TagRules.Forbidden, refusal));
                    continue;
                }

                if (OverBudget(i, tag, held) is { } overspent)
                {
                    admitted.Rejected.Add(overspent);
                    continue;
                }

                if (held.Hold(tag, admitted.GroupsToJoin))
                {
                    admitted.NewlyHeld.Add(tag);
                }

                admitted.Accepted.Add(tag);
            }
        }
        catch
        {
            admitted.Undo(held);
            throw;
        }

        return admitted;
    }

    /// <summary>
    /// The first step alone, which tags that are published rather than held go through too: reads <paramref name="raw"/>
    /// (the <paramref name="index"/>-th of its call) and checks it against the size limits.
    /// </summary>
    public bool TryRead(object? raw, int index, out Tag tag, [NotNullWhen(false)] out TagRejection? rejection)
    {
        var read = TagReader.Read(raw, _limits);
        tag = read.Tag.GetValueOrDefault();
        rejection = read.Tag is null ? Rejection(index, RawTagText.Render(raw), read.Rule!, read.Reason!) : null;
        return read.Tag is not null;
    }

    // A tag held already costs nothing; a new one takes a place, and the groups and text holding it adds.
    private TagRejection? OverBudget(int index, Tag tag, ConnectionSubscriptions held)
    {
        if (held.Holds(tag))
        {
            return null;
        }

        var cost = held.CostOf(tag);

        if (held.Count >= _maxTagsPerConnection)
        {
            return Rejection(index, tag.Canonical, TagRules.TooManyTagsHeld,
                $"{TagRules.Describe(TagRules.TooManyTagsHeld)}: it holds {held.Count}, at most {_maxTagsPerConnection}");
        }

        if (held.GroupCount + cost.Groups > _maxGroups)
        {
            return Rejection(index, tag.Canonical, TagRules.TooManyGroups,
                $"{TagRules.Describe(TagRules.TooManyGroups)}: it is in {held.GroupCount}, the tag needs {cost.Groups} more, at most {_maxGroups}");
        }

        if (held.TextLength + cost.Text > _maxText)
        {
            return Rejection(index, tag.Canonical, TagRules.TooMuchTagText,
                $"{TagRules.Describe(TagRules.TooMuchTagText)}: it keeps {held.TextLength} characters, the tag needs {cost.Text} more, at most {_maxText}");
        }

        return null;
    }

    private static TagRejection Rejection(int index, string tag, string rule, string reason) =>
        new() { Index = index, Tag = tag, Rule = rule, Reason = reason };
}
