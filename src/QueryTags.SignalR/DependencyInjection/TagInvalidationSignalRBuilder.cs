namespace Microsoft.Extensions.DependencyInjection;

internal sealed class TagInvalidationSignalRBuilder(IServiceCollection services) : ITagInvalidationSignalRBuilder
{
    public IServiceCollection Services { get; } = services;
}
