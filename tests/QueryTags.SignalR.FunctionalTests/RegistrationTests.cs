using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Mistakes in setting up the server fail early, with a message that says what to do.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task Mapping_without_registering_throws_a_clear_InvalidOperationException()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSignalR();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapTagInvalidation());

        Assert.Contains("AddTagInvalidation()", error.Message);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start()
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Services.AddTagInvalidation(options =>
        {
            options.MaxTagsPerCall = 0;
            options.RetentionWindow = TimeSpan.Zero;
        }).AddSignalR();
        await using var app = builder.Build();
        app.MapTagInvalidation();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("MaxTagsPerCall", error.Message);
        Assert.Contains("RetentionWindow", error.Message);
    }

    [Fact]
    public void Registering_twice_keeps_one_invalidator_and_the_hub_context_invalidates()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTagInvalidation().AddSignalR();
        services.AddTagInvalidation().AddSignalR().AddMessagePackProtocol();
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(ITagInvalidator));
        var hubContext = provider.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<InvalidationHub>>();
        Assert.NotNull(hubContext.Clients);
    }
}
