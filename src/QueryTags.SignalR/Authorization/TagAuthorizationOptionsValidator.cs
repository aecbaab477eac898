using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>Refuses authorization rules that cannot work, at start-up rather than on the first subscribe.</summary>
internal sealed class TagAuthorizationOptionsValidator(IOptions<TagInvalidationOptions> invalidation, IServiceProvider services)
    : IValidateOptions<TagAuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, TagAuthorizationOptions options)
    {
        var failures = new List<string>();
        var depth = invalidation.Value.MaxGroupDepth;
        foreach (var rule in options.Rules)
        {
            // A shallower group would hold tags the rule keeps apart (another user's), and send each their copies.
            if (rule.Pattern.Length > depth)
            {
                failures.Add($"The tag authorization pattern {rule.Pattern.Text} has {rule.Pattern.Length} segments, more than TagInvalidationOptions.MaxGroupDepth ({depth}): groups would mix the tags it keeps apart. Raise MaxGroupDepth to at least {rule.Pattern.Length}.");
            }

            if (rule.PolicyName is { } policy && services.GetService<IAuthorizationService>() is null)
            {
                failures.Add($"The tag authorization pattern {rule.Pattern.Text} names the policy '{policy}', but authorization is not registered: call services.AddAuthorization(options => options.AddPolicy(\"{policy}\", ...)).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
