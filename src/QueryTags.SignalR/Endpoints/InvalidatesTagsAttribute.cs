using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>
/// The action (or every action of the controller, or the minimal-API handler) invalidates one tag after it answers
/// with a 2xx status. Put it once per tag. Segments are strings, integers and booleans; a string segment written
/// as <c>"{name}"</c> is a placeholder for the request's route value <c>name</c> (or its query string value).
/// </summary>
/// <remarks>
/// <para>
/// A placeholder's segment type is the type of the action's parameter of the same name: an integer for
/// <c>int id</c>, a boolean for <c>bool done</c>, otherwise a string. Write it with a type to say so
/// yourself: <c>"{id:int}"</c> (or <c>long</c>), <c>"{done:bool}"</c>, <c>"{slug:string}"</c>. So
/// <c>[InvalidatesTags("todo", "{id}")]</c> on <c>Done(int id)</c> invalidates <c>["todo", 5]</c>, the same tag a
/// client holds, not <c>["todo", "5"]</c>.
/// </para>
/// <para>
/// MVC endpoints need the one call <c>app.MapControllers().WithTagInvalidation()</c>; on a minimal-API handler the
/// attribute works on endpoints (or groups) given <c>.WithTagInvalidation()</c> or any <c>.InvalidatesTags(...)</c>.
/// A literal string segment that starts with <c>{</c> and ends with <c>}</c> cannot be written here: compute
/// such a tag with <c>.InvalidatesTags(context => ...)</c>.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed partial class InvalidatesTagsAttribute : Attribute, IRequestTags
{
    private readonly Segment[] _segments;
    private readonly ConcurrentDictionary<MethodInfo, Segment[]> _typed = new();

    /// <summary>The tag to invalidate, one segment per argument: <c>[InvalidatesTags("todo", "{id}")]</c>.</summary>
    /// <param name="segments">Strings, integers (<c>int</c>, <c>long</c>) and booleans; <c>"{name}"</c> is a placeholder.</param>
    /// <exception cref="ArgumentException">No segments, or a segment of another type, or a placeholder of an unknown type.</exception>
    public InvalidatesTagsAttribute(params object[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException($"[InvalidatesTags] needs at least one segment: {TagRules.Describe(TagRules.Empty)}", nameof(segments));
        }

        Segments = segments;
        _segments = [.. segments.Select(ToSegment)];
    }

    /// <summary>The segments as written.</summary>
    public IReadOnlyList<object> Segments { get; }

    IEnumerable<Tag> IRequestTags.TagsFor(HttpContext context)
    {
        var segments = Typed(context.GetEndpoint()?.Metadata);
        var values = new TagSegment[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            values[i] = segments[i].Value(context);
        }

        return [Tag.Create(values)];
    }

    // Untyped placeholders take the kind of the handler's parameter of their name, once per handler.
    private Segment[] Typed(EndpointMetadataCollection? metadata)
    {
        if (!_segments.Any(segment => segment is { Name: not null, Kind: null }))
        {
            return _segments;
        }

        var method = metadata?.GetMetadata<ControllerActionDescriptor>()?.MethodInfo ?? metadata?.GetMetadata<MethodInfo>();
        if (method is null)
        {
            return [.. _segments.Select(segment => segment with { Kind = segment.Kind ?? TagSegmentKind.String })];
        }

        return _typed.GetOrAdd(method, static (method, segments) =>
        {
            var parameters = method.GetParameters();
            return [.. segments.Select(segment => segment with
            {
                Kind = segment.Kind ?? KindOf(parameters.FirstOrDefault(p => string.Equals(p.Name, segment.Name, StringComparison.OrdinalIgnoreCase))?.ParameterType),
            })];
        }, _segments);
    }

    private static TagSegmentKind KindOf(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool))
        {
            return TagSegmentKind.Boolean;
        }

        return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ushort) || type == typeof(sbyte)
            ? TagSegmentKind.Integer
            : TagSegmentKind.String;
    }

    private static Segment ToSegment(object segment, int index)
    {
        switch (segment)
        {
            case string text when Placeholder().Match(text) is { Success: true } match:
                var kind = match.Groups["type"].Success
                    ? match.Groups["type"].Value.ToLowerInvariant() switch
                    {
                        "int" or "long" => TagSegmentKind.Integer,
                        "bool" => TagSegmentKind.Boolean,
                        "string" => TagSegmentKind.String,
                        var other => throw new ArgumentException($"[InvalidatesTags] segment {index} '{text}' has the type '{other}'; use int, long, bool or string.", nameof(segment)),
                    }
                    : (TagSegmentKind?)null;
                return new Segment(default, match.Groups["name"].Value, kind);
            case string text:
                return new Segment(text, null, null);
            case bool value:
                return new Segment(value, null, null);
            case int or long or short or byte or sbyte or ushort or uint:
                return new Segment(Convert.ToInt64(segment, CultureInfo.InvariantCulture), null, null);
            default:
                throw new ArgumentException($"[InvalidatesTags] segment {index} is a {segment?.GetType().Name ?? "null"}; a segment is a string, an integer or a boolean.", nameof(segment));
        }
    }

    [GeneratedRegex(@"^\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?<type>[A-Za-z]+))?\}$")]
    private static partial Regex Placeholder();

    /// <summary>A literal segment, or a placeholder <see cref="Name"/> read as <see cref="Kind"/>.</summary>
    private sealed record Segment(TagSegment Literal, string? Name, TagSegmentKind? Kind)
    {
        public TagSegment Value(HttpContext context)
        {
            if (Name is null)
            {
                return Literal;
            }

            var text = RequestTagSource.Value(context, Name)
                ?? throw new InvalidOperationException($"The tag placeholder '{{{Name}}}' has no route value and no query string value in this request.");
            return Kind switch
            {
                TagSegmentKind.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
                TagSegmentKind.Boolean when bool.TryParse(text, out var flag) => flag,
                TagSegmentKind.String or null => text,
                _ => throw new InvalidOperationException($"The tag placeholder '{{{Name}}}' is an {Kind.ToString()!.ToLowerInvariant()}, and the request's value '{text}' is not one."),
            };
        }
    }
}
