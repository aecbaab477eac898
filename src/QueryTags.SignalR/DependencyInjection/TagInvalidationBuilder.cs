namespace Microsoft.Extensions.DependencyInjection;

internal sealed class TagInvalidationBuilder(IServiceCollection services) : ITagInvalidationBuilder
{
    public IServiceCollection Services { get; } = services;
}
