using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The one step every tag a connection asks to hold goes through: read from the wire, checked against the size
/// limits, authorized for the connection's user, then counted against the connection's budget: held tags, prefix
/// groups and tag text. A refused tag gets a rejection naming its rule; a new check is one more line here.
/// </summary>
internal sealed class TagAdmission(IOptions<TagInvalidationOptions> options, TagAuthorizer authorizer)
{
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxTagsPerConnection = options.Value.MaxTagsPerConnection;
    private readonly int _maxGroups = options.Value.MaxGroupsPerConnection;
    private readonly int _maxText = options.Value.MaxTagTextPerConnection;
    private readonly int _maxGroupDepth = options.Value.MaxGroupDepth;

    /// <summary>Admits what it can of <paramref name="tags"/> for a connection holding <paramref name="held"/>; holds nothing itself.</summary>
    public async ValueTask<(List<Tag> Accepted, List<TagRejection> Rejected)> AdmitAsync(object?[] tags, HubCallerContext context, ConnectionSubscriptions held)
    {
        var accepted = new List<Tag>(tags.Length);
        var rejected = new List<TagRejection>();
        var added = new HashSet<string>(StringComparer.Ordinal);
        var joining = new HashSet<string>(StringComparer.Ordinal);
        var budget = new Budget(held.GroupCount, held.TextLength);
        for (var i = 0; i < tags.Length; i++)
        {
            if (!TryRead(tags[i], i, out var tag, out var unreadable))
            {
                rejected.Add(unreadable);
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
                if (Overspends(i, tag, held, joining, ref budget) is { } overspent)
                {
                    rejected.Add(overspent);
                    continue;
                }

                added.Add(tag.Canonical);
            }

            accepted.Add(tag);
        }

        return (accepted, rejected);
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

    // The groups and text a new tag would add, against what the connection and this call's earlier tags already
    // take; within the budget, they are counted and null is returned.
    private TagRejection? Overspends(int index, Tag tag, ConnectionSubscriptions held, HashSet<string> joining, ref Budget budget)
    {
        var groups = 0;
        var text = tag.Canonical.Length;
        var depth = Math.Min(tag.Count, _maxGroupDepth);
        for (var length = 1; length <= depth; length++)
        {
            var prefix = tag.PrefixCanonical(length);
            if (!held.InGroup(prefix) && !joining.Contains(prefix))
            {
                groups++;
                text += prefix.Length;
            }
        }

        if (budget.Groups + groups > _maxGroups)
        {
            return Rejection(index, tag.Canonical, TagRules.TooManyGroups,
                $"{TagRules.Describe(TagRules.TooManyGroups)}: it is in {budget.Groups}, the tag needs {groups} more, at most {_maxGroups}");
        }

        if (budget.Text + text > _maxText)
        {
            return Rejection(index, tag.Canonical, TagRules.TooMuchTagText,
                $"{TagRules.Describe(TagRules.TooMuchTagText)}: it keeps {budget.Text} characters, the tag needs {text} more, at most {_maxText}");
        }

        for (var length = 1; length <= depth; length++)
        {
            var prefix = tag.PrefixCanonical(length);
            if (!held.InGroup(prefix))
            {
                joining.Add(prefix);
            }
        }

        budget = new Budget(budget.Groups + groups, budget.Text + text);
        return null;
    }

    private readonly record struct Budget(int Groups, int Text);

    private static TagRejection Rejection(int index, string tag, string rule, string reason) =>
        new() { Index = index, Tag = tag, Rule = rule, Reason = reason };
}
