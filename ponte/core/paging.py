from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

PAGE_SIZE = 25


def paginate(request, items, per_page: int = PAGE_SIZE):
    """The requested page; a page number out of range or not a number gives the nearest page."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
