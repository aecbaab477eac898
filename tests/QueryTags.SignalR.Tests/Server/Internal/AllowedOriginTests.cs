using Microsoft.AspNetCore.Http;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class AllowedOriginTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("HTTP://127.0.0.1:5080", true)]
    [InlineData("https://app.example.com", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("http://127.0.0.1:5081", false)]
    [InlineData("https://127.0.0.1:5080", false)]
    [InlineData("null", false)]
    public void Allows_its_own_origin_the_configured_ones_and_requests_without_one(string? origin, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5080");
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        var options = new TagInvalidationOptions { AllowedOrigins = { "https://app.example.com/" } };

        Assert.Equal(allowed, AllowedOrigin.Allows(context, options));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://app.example.com/", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("https://app.example.com/path", false)]
    [InlineData("app.example.com", false)]
    [InlineData("ftp://app.example.com", false)]
    [InlineData("*", false)]
    public void An_allowed_origin_is_scheme_host_and_port_alone(string text, bool isOrigin)
    {
        Assert.Equal(isOrigin, AllowedOrigin.IsOrigin(text));
    }
}
