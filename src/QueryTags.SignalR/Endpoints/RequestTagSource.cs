using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Tags computed from a request: fixed tags, a function of the <see cref="HttpContext"/>, or a delegate whose
/// parameters are bound by name from the route values, then the query string (and <see cref="HttpContext"/>,
/// <see cref="ClaimsPrincipal"/> and <see cref="CancellationToken"/> by type).
/// </summary>
internal sealed class RequestTagSource
{
    private readonly Func<HttpContext, IEnumerable<Tag>> _compute;

    private RequestTagSource(Func<HttpContext, IEnumerable<Tag>> compute) => _compute = compute;

    public static RequestTagSource Fixed(Tag[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        Tag[] copy = [.. tags];
        foreach (var tag in copy)
        {
            _ = tag.Canonical; // a default(Tag) throws here, at startup, rather than at the first request
        }

        return new RequestTagSource(_ => copy);
    }

    public static RequestTagSource FromContext(Func<HttpContext, IEnumerable<Tag>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return new RequestTagSource(tags);
    }

    /// <summary>A delegate returning <c>IEnumerable&lt;Tag&gt;</c>, its parameters bound from the request by name.</summary>
    public static RequestTagSource FromDelegate(Delegate tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var binders = tags.Method.GetParameters().Select(Binder).ToArray();
        return new RequestTagSource(context =>
        {
            var arguments = new object?[binders.Length];
            for (var i = 0; i < binders.Length; i++)
            {
                arguments[i] = binders[i](context);
            }

            try
            {
                return (IEnumerable<Tag>?)tags.DynamicInvoke(arguments) ?? [];
            }
            catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        });
    }

    /// <summary>The tags for this request; a <c>default(Tag)</c> among them throws where it is used.</summary>
    /// <exception cref="InvalidOperationException">A parameter could not be bound.</exception>
    public IEnumerable<Tag> For(HttpContext context) => _compute(context);

    /// <summary>The value of <paramref name="name"/>: its route value, else its query string value, else null.</summary>
    public static string? Value(HttpContext context, string name)
    {
        if (context.Request.RouteValues.TryGetValue(name, out var routeValue) && routeValue is not null)
        {
            return Convert.ToString(routeValue, CultureInfo.InvariantCulture);
        }

        return context.Request.Query.TryGetValue(name, out var query) && query.Count > 0 ? query[0] : null;
    }

    private static Func<HttpContext, object?> Binder(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpContext))
        {
            return context => context;
        }

        if (type == typeof(ClaimsPrincipal))
        {
            return context => context.User;
        }

        if (type == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }

        var name = parameter.Name ?? throw new InvalidOperationException("A tag delegate's parameter has no name to bind it by.");
        var underlying = Nullable.GetUnderlyingType(type);
        var optional = underlying is not null || !type.IsValueType || parameter.HasDefaultValue;
        var parse = Parser(underlying ?? type)
            ?? throw new InvalidOperationException($"The tag delegate's parameter '{name}' is a {type.Name}, which cannot be read from a route or query value; use a string, a number, a bool, a Guid, an enum or another IParsable type.");
        return context =>
        {
            var text = Value(context, name);
            if (text is null)
            {
                return optional
                    ? (parameter.HasDefaultValue ? parameter.DefaultValue : null)
                    : throw new InvalidOperationException($"The tag parameter '{name}' has no route value and no query string value in this request.");
            }

            return parse(text, out var value)
                ? value
                : throw new InvalidOperationException($"The tag parameter '{name}' is a {type.Name}, and the request's value '{text}' is not one.");
        };
    }

    private delegate bool Parse(string text, out object? value);

    private static Parse? Parser(Type type)
    {
        if (type == typeof(string))
        {
            return (string text, out object? value) =>
            {
                value = text;
                return true;
            };
        }

        if (type.IsEnum)
        {
            return (string text, out object? value) => Enum.TryParse(type, text, ignoreCase: true, out value);
        }

        // IParsable<T>'s TryParse (int, long, Guid, DateOnly, ... and the app's own types), else the older TryParse(s, out T).
        var withProvider = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        var plain = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
        var tryParse = withProvider ?? plain;
        if (tryParse is null || tryParse.ReturnType != typeof(bool))
        {
            return null;
        }

        return (string text, out object? value) =>
        {
            object?[] arguments = withProvider is not null ? [text, CultureInfo.InvariantCulture, null] : [text, null];
            var parsed = (bool)tryParse.Invoke(null, arguments)!;
            value = arguments[^1];
            return parsed;
        };
    }
}
