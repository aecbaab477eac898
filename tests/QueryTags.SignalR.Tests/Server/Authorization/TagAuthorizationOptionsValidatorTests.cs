using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class TagAuthorizationOptionsValidatorTests
{
    [Fact]
    public void A_pattern_deeper_than_the_groups_is_refused_at_start()
    {
        var rules = new TagAuthorizationOptions().Allow(["account", "{sub}"]).Allow(["todos"]);

        var result = Validator(maxGroupDepth: 1, new ServiceCollection()).Validate(null, rules);

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("[\"account\",\"{sub}\"]", failure, StringComparison.Ordinal);
        Assert.Contains("Raise MaxGroupDepth to at least 2", failure, StringComparison.Ordinal);
        Assert.True(Validator(maxGroupDepth: 2, new ServiceCollection()).Validate(null, rules).Succeeded);
    }

    [Fact]
    public void A_policy_without_authorization_registered_is_refused_at_start()
    {
        var rules = new TagAuthorizationOptions().RequirePolicy(["admin"], "Admins");

        var result = Validator(maxGroupDepth: 8, new ServiceCollection()).Validate(null, rules);

        Assert.Contains("services.AddAuthorization", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(Validator(maxGroupDepth: 8, new ServiceCollection().AddLogging().AddAuthorization()).Validate(null, rules).Succeeded);
    }

    private static TagAuthorizationOptionsValidator Validator(int maxGroupDepth, IServiceCollection services) =>
        new(Options.Create(new TagInvalidationOptions { MaxGroupDepth = maxGroupDepth }), services.BuildServiceProvider());
}
