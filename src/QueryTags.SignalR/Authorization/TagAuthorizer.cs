using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Decides, with <see cref="TagAuthorizationOptions"/>, whether a connection may hold a tag. Policy and handler
/// answers are kept per connection (see <see cref="ConnectionSubscriptions.AuthorizationAnswers"/>): the user of
/// a connection does not change, and a page holding many tags under one prefix asks once.
/// </summary>
internal sealed class TagAuthorizer(IOptions<TagAuthorizationOptions> options, IServiceProvider services, LoggingThrottle loggingThrottle, ILogger<TagAuthorizer> logger)
{
    // Answers kept per connection at most; past it they are forgotten and asked again, so a client that asks for
    // ever new tags cannot grow the server's memory.
    internal const int MaxAnswersPerConnection = 1024;

    private readonly TagAuthorizationOptions _options = options.Value;
    private IAuthorizationService? _authorization;

    /// <summary>The reason <paramref name="tag"/> is refused to the connection, or null when it may hold it.</summary>
    public async ValueTask<string?> RefusalAsync(Tag tag, HubCallerContext context, ConnectionSubscriptions connection)
    {
        var covered = false;
        for (var index = 0; index < _options.Rules.Count; index++)
        {
            var rule = _options.Rules[index];
            if (!rule.Pattern.Covers(tag))
            {
                continue;
            }

            covered = true;
            var user = context.User ?? new();
            if (rule.Pattern.UnmatchedClaim(tag, user) is { } claimType)
            {
                LogUnmatched(context.ConnectionId, tag, rule, claimType, user);
                return Refusal(tag, rule);
            }

            if (!await AllowsAsync(rule, index, tag, context, connection))
            {
                return Refusal(tag, rule);
            }
        }

        return covered || !_options.DenyByDefault
            ? null
            : $"{TagRules.Describe(TagRules.Forbidden)}: no rule allows {tag} (deny by default)";
    }

    // The rule as written names what was asked; the user's claims never appear.
    private static string Refusal(Tag tag, TagAuthorizationRule rule) =>
        $"{TagRules.Describe(TagRules.Forbidden)}: {tag} is refused by the rule {rule.Pattern.Text}";

    // For the app's developer, at Debug: which claim types the user had (a token whose claims were renamed shows it),
    // never their values.
    private void LogUnmatched(string connectionId, Tag tag, TagAuthorizationRule rule, string claimType, ClaimsPrincipal user)
    {
        if (loggingThrottle.Allows(logger, LogLevel.Debug))
        {
            var types = string.Join(", ", user.Claims.Select(claim => claim.Type).Distinct(StringComparer.Ordinal));
            HubLog.PlaceholderUnmatched(logger, connectionId, tag.Canonical, rule.Pattern.Text, claimType, types.Length == 0 ? "(none)" : types);
        }
    }

    private async ValueTask<bool> AllowsAsync(TagAuthorizationRule rule, int index, Tag tag, HubCallerContext context, ConnectionSubscriptions connection)
    {
        if (rule.PolicyName is null && rule.Handler is null)
        {
            return true;
        }

        // A policy decides on the whole tag (its resource); a handler on the prefix its pattern covers.
        var decidedOn = rule.Handler is null ? tag : tag.Prefix(rule.Pattern.Length);
        var key = string.Concat(index.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", decidedOn.Canonical);
        var answers = connection.AuthorizationAnswers ??= new Dictionary<string, bool>(StringComparer.Ordinal);
        if (answers.TryGetValue(key, out var known))
        {
            return known;
        }

        var allowed = await DecideAsync(rule, tag, decidedOn, context);
        if (answers.Count >= MaxAnswersPerConnection)
        {
            answers.Clear();
        }

        answers[key] = allowed;
        return allowed;
    }

    private async ValueTask<bool> DecideAsync(TagAuthorizationRule rule, Tag tag, Tag prefix, HubCallerContext context)
    {
        var user = context.User ?? new();
        try
        {
            if (rule.PolicyName is { } policy)
            {
                _authorization ??= services.GetRequiredService<IAuthorizationService>();
                return (await _authorization.AuthorizeAsync(user, tag, policy)).Succeeded;
            }

            var decision = new TagAuthorizationContext(tag, prefix, user, context.GetHttpContext(), context.ConnectionId, context.ConnectionAborted);
            return await rule.Handler!(decision);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.ConnectionAborted.IsCancellationRequested)
        {
            // The app's own check failed: refuse, as a check that cannot answer must not let the tag through.
            HubLog.AuthorizationFailed(logger, context.ConnectionId, tag.Canonical, rule.Pattern.Text, ex);
            return false;
        }
    }
}
