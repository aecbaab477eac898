using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace TodoApp;

/// <summary>
/// The sample's users. Anyone may sign in as any of them without a password: the sample shows per-user tags,
/// not how to check who someone is.
/// </summary>
public static class SampleUsers
{
    /// <summary>The claim that names the user, as the hub's tag rule <c>["user", "{sub}"]</c> reads it.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>Everyone who may sign in.</summary>
    public static readonly IReadOnlyList<string> Names = ["alice", "bob", "carol"];

    /// <summary>True when <paramref name="name"/> is one of <see cref="Names"/>, exactly.</summary>
    public static bool Exists([NotNullWhen(true)] string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The signed-in user's name, or null for an anonymous one.</summary>
    public static string? NameOf(ClaimsPrincipal principal) => principal.FindFirstValue(SubjectClaim);

    /// <summary>The principal the session cookie carries for <paramref name="name"/>: its <c>sub</c> and its name.</summary>
    public static ClaimsPrincipal PrincipalOf(string name) =>
        new(new ClaimsIdentity([new Claim(SubjectClaim, name), new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme));
}
