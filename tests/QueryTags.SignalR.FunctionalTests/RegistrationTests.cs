using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

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
    public async Task Registering_twice_keeps_one_invalidator_and_the_hub_context_invalidates()
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        builder.Services.AddTagInvalidation().AddSignalR();
        builder.Services.AddTagInvalidation().AddSignalR().AddMessagePackProtocol();
        await using var app = builder.Build();
        app.MapTagInvalidation();
        await app.StartAsync().Within();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        await using var connection = RawConnection.Wrap(
            RawConnection.Builder(new Uri(address, "/hubs/invalidation"), new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack)).Build());
        await connection.Connection.StartAsync().Within();
        await connection.SubscribeAsync(["todo", 5]);

        var sent = await app.Services.GetRequiredService<IHubContext<InvalidationHub>>().InvalidateTagsAsync([["todo"]]).Within();

        Assert.Single(builder.Services, descriptor => descriptor.ServiceType == typeof(ITagInvalidator));
        var received = await connection.NextAsync();
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal([new Tag("todo")], received.Tags);
        Assert.Equal(sent.Cursor, received.Cursor);
    }
}
