"""Related rows a service has just written, handed on with their instance instead of read back."""


def keep_related(instance, name: str, objects) -> None:
    """Cache ``objects`` as ``instance.<name>.all()``, as ``prefetch_related`` does after a read.

    For a service that has just written these rows and hands the instance to a response: the
    serializer then reads them from memory, not from the database. ``objects`` must be what a
    read would return, in the order it would return them (the create tests compare the response
    with a later GET).
    """
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.field.remote_field.cache_name] = queryset
