"""The few shapes every list/detail/form/delete/export page repeats, written once.

Views stay thin: they look a row up inside `visible_to(user)`, build a form, call
one service function and hand the result to one of these helpers. Nothing here
decides who may see or change what: that is `visible_to()` and the services.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError, RestrictedError
from django.forms.models import fields_for_model, model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.accounts.pages import enterprise_page, is_enterprise_user
from shanghui.accounts.scope import writes_some_region
from shanghui.core.exporting import export_format, export_response

# --- forms -------------------------------------------------------------------


def style_field(field: forms.Field) -> None:
    """Bootstrap classes by widget kind, so templates can render any form the same way."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        # Django's own template puts the widget's class on the list's wrapper too, which would
        # shrink it to one box's width: ours puts it on each box, in a form-check row.
        widget.template_name = "shanghui/widgets/checkbox_list.html"
        widget.option_template_name = "shanghui/widgets/checkbox_option.html"
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AutocompleteSelect(forms.Select):
    """A <select> fed by an htmx search box: typing replaces its options with matches.

    Only the selected row and a handful of others are rendered, never the whole
    (possibly huge) queryset; the field's queryset still validates the choice.
    """

    def __init__(self, url: str, attrs=None):
        super().__init__(attrs)
        self.url = url

    def render(self, name, value, attrs=None, renderer=None):
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" class="form-control form-control-sm mb-1" name="q" autocomplete="off" '
            'placeholder="输入名称、拼音首字母或代码搜索…" aria-label="搜索" hx-get="{}" '
            'hx-trigger="input changed delay:300ms, search" hx-target="#{}" hx-swap="innerHTML" '
            'hx-sync="this:replace">',
            self.url, select_id,
        )
        return format_html("{}{}", search, super().render(name, value, attrs, renderer))


def limit_widget_choices(field: forms.ModelChoiceField, queryset, selected=None, limit: int = 20) -> None:
    """Render the selected row plus `limit` rows of `queryset` (the field still accepts any row of its own)."""
    rows = list(queryset[:limit])
    selected = getattr(selected, "pk", selected)
    if selected and str(selected).isdigit():  # posted data may be anything; the field reports that
        picked = field.queryset.filter(pk=selected).first()
        if picked is not None and picked not in rows:
            rows.insert(0, picked)
    field.widget.choices = [("", field.empty_label or "---------")] + [(o.pk, field.label_from_instance(o)) for o in rows]


class ServiceForm(forms.Form):
    """A plain form whose fields come from a model, for views that save through a service.

    Not a ModelForm on purpose: a ModelForm writes the cleaned values into the
    instance before the service runs, so the service could no longer see what
    changed (nor check it). Here the service gets `cleaned_data` as keyword
    arguments and is the only thing that touches the row.
    """

    model = None
    field_names: tuple[str, ...] = ()
    widgets: dict = {}
    # Fields whose stored value is never put back into the edit page (personal numbers, a
    # student's name, a file): the box stays empty and leaving it empty keeps what is stored.
    # Every other field, declared on the form or not, opens with its stored value.
    blank_on_edit: tuple[str, ...] = ()

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        names = [n for n in self.field_names if n not in self.declared_fields]
        if instance is not None:
            shown = [n for n in self.field_names if n not in self.blank_on_edit]
            kwargs["initial"] = {**model_to_dict(instance, fields=shown), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(self.model, fields=names,
                                        widgets={**{n: DateInput for n in names if self._is_date(n)}, **self.widgets})
        self.fields = {**model_fields, **self.fields}
        self.order_fields(self.field_names)
        self.setup()
        for name, field in self.fields.items():
            style_field(field)
            self._preselect_only_region(name, field)

    def _is_date(self, name: str) -> bool:
        from django.db.models import DateField, DateTimeField

        f = self.model._meta.get_field(name)
        return isinstance(f, DateField) and not isinstance(f, DateTimeField)

    def setup(self) -> None:
        """Subclasses narrow choice fields to what the user may see or write."""

    def _preselect_only_region(self, name: str, field: forms.Field) -> None:
        """A required region the user can only choose one way (a street worker's street) starts chosen."""
        if (name != "region" or self.is_bound or self.initial.get(name) is not None or not field.required
                or not isinstance(field, forms.ModelChoiceField)):
            return
        only = list(field.queryset[:2])
        if len(only) == 1:
            self.initial[name] = only[0].pk

    def apply_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the form; a model field not on the form is named in the message."""
        apply_errors(self, error, label=lambda key: _verbose(self.model, key))


def apply_errors(form: forms.Form, error: ValidationError, *, label: Callable[[str], str] | None = None) -> None:
    """Show a service's ValidationError on any form: on its field if the form shows it, otherwise on top.

    `label(key)` prefixes the messages of a key the form does not show, so the user knows what they are about.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, msgs in error.message_dict.items():
        if key in form.fields:
            form.add_error(key, msgs)
        elif key == NON_FIELD_ERRORS or label is None:
            form.add_error(None, msgs)
        else:
            form.add_error(None, [f"{label(key)}：{m}" for m in msgs])


def refuse(request, error: ValidationError) -> None:
    """Tell the user why a service refused an action that has no form to show it on (one error message)."""
    messages.error(request, "；".join(error.messages))


def _verbose(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key that is not a model field: show it as it is
        return name


def save_with(form: ServiceForm, call):
    """Run `call(**cleaned_data)` (a service) if the form is valid; on ValidationError show it. Returns the row or None."""
    if not form.is_valid():
        return None
    try:
        return call(**form.cleaned_data)
    except ValidationError as e:
        form.apply_errors(e)
        return None


# --- lists -------------------------------------------------------------------


class ListFilter(forms.Form):
    """Search box plus filters of a list page; `lookups` maps a field to a queryset lookup.

    Invalid values (a hand-edited URL) are ignored field by field rather than answered with an error.
    """

    lookups: dict[str, str] = {}
    # Filters an enterprise user does not get: they sort the district's rows (streets, chambers, audiences),
    # which his own few rows do not need, and would show him empty or staff-only choices.
    staff_fields: tuple[str, ...] = ()
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)
        self.setup()
        if is_enterprise_user(user):
            for name in self.staff_fields:
                self.fields.pop(name, None)
        for field in self.fields.values():
            field.required = False
            style_field(field)

    def setup(self) -> None:
        pass

    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", [])}

    def search(self, queryset, q: str):
        return queryset.search(q)

    def apply(self, queryset):
        values = self.values()
        if q := values.pop("q", ""):
            queryset = self.search(queryset, q)
        for name, value in values.items():
            if name in self.lookups:
                queryset = queryset.filter(**{self.lookups[name]: value})
            elif hasattr(self, f"filter_{name}"):
                queryset = getattr(self, f"filter_{name}")(queryset, value)
        return queryset

    def audit_values(self) -> dict:
        """The filters as plain text for the export's audit event."""
        return {k: str(getattr(v, "pk", v)) for k, v in self.values().items()}


def active_choice_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "有效"), ("0", "已失效")],
                                  coerce=lambda v: v == "1", empty_value=None)


def list_page(request, *, template: str, queryset, filter_form: ListFilter, **context):
    """Filter, paginate and render a list; an htmx request gets the same page (the client selects #results)."""
    queryset = filter_form.apply(queryset)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"filter": filter_form, "page": page, "objects": page.object_list, **context})


def export_page(request, *, title: str, queryset, filter_form: ListFilter, columns):
    """The list's rows, same scope and filters, as ?format=xlsx (default) or csv."""
    fmt = export_format(request)
    return export_response(by=request.user, title=title, rows=filter_form.apply(queryset), columns=columns,
                           fmt=fmt, filters=filter_form.audit_values())


# --- writes ------------------------------------------------------------------


def post_data(request):
    """The POST data for a bound form, or None on GET (an empty POST still binds and validates)."""
    return request.POST if request.method == "POST" else None


def next_url(request) -> str:
    """The page to go back to: a path on this site ("/…"), else home. A bare word would be taken by
    redirect() for a view name, a full address could lead off the site. Every view that goes back
    to ?next= uses this one rule."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    """403 before showing a form that could not be saved anyway (the service checks again)."""
    if not allowed:
        raise PermissionDenied(message)


def form_page(request, *, template: str, form: ServiceForm, call, redirect_to, success_message: str = "已保存",
              **context):
    """GET shows the form; POST saves through `call` and redirects to `redirect_to(row)`."""
    if request.method == "POST":
        obj = save_with(form, call)
        if obj is not None:
            messages.success(request, success_message)
            return redirect(redirect_to(obj))
    return render(request, template, {"form": form, **context})


def step(request, *, call, done, redirect_to: str):
    """One POST-only workflow step: run `call` (a service) and say `done` (a text, or result → text);
    a refusal (ValidationError) is shown instead. Either way back to `redirect_to`."""
    try:
        result = call()
    except ValidationError as e:
        refuse(request, e)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(redirect_to)


def delete_page(request, *, obj, call, success_url: str, cancel_url: str, what: str):
    """GET asks for confirmation, POST deletes through `call`; a refusal is shown, never a 500."""
    if request.method == "POST":
        try:
            call()
        except ValidationError as e:
            refuse(request, e)
            return redirect(cancel_url)
        except (ProtectedError, RestrictedError):
            messages.error(request, f"“{obj}”仍被其他数据引用（如用户账号），不能删除。")
            return redirect(cancel_url)
        messages.success(request, f"已删除{what}“{obj}”。")
        return redirect(success_url)
    return render(request, "shanghui/confirm_delete.html", {"object": obj, "what": what, "cancel_url": cancel_url})


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


# --- registers -----------------------------------------------------------------


@dataclasses.dataclass
class Register:
    """One register's list, export, create, edit and delete pages, declared once.

    The five views are attributes (`list_view`, `export_view`, `create_view`, `edit_view`,
    `delete_view`); `urls(prefix)` routes them as `<noun>_list`, `<noun>_export`, `<noun>_create`,
    `<noun>_edit`, `<noun>_delete` in the namespace `app`; detail pages differ
    too much between registers and stay hand-written as `<noun>_detail`. Each view does the same
    three things as any other: look the row up in `queryset(user)` (which starts from
    `visible_to(user)`), validate `form`, call one service.
    """

    app: str  # URL namespace
    noun: str
    title: str  # what the rows are, as headings say it: "社会服务项目"
    queryset: Callable  # user → the rows he may see
    filter_form: type[ListFilter]
    form: type[ServiceForm]
    columns: list  # the export's Columns; the list page shows the first `table_columns`
    # The register's three services, keyword-only as every service: create(by=, **data),
    # update(by=, <row>=obj, **data), delete(by=, <row>=obj).
    create: Callable
    update: Callable
    delete: Callable
    row: str  # the services' keyword for the row: "project" in project_update(by=, project=, …)
    can_write: Callable  # (user, obj) → bool
    can_create: Callable = writes_some_region  # user → bool
    can_delete: Callable | None = None  # (user, obj) → bool; defaults to can_write
    what: str = ""  # the short noun in messages ("项目"); defaults to title
    icon: str = ""
    list_template: str = "shanghui/register_list.html"
    table_columns: int = 6
    has_detail: bool = False
    # ?name=pk in a create URL preselects these form fields (coming from a parent's page).
    preselect: tuple[str, ...] = ()
    create_title: str = ""  # defaults to "新增<title>"
    edit_title: Callable | None = None  # obj → heading; defaults to "修改<what>：<obj>"
    crumbs: Callable | None = None  # () → [(label, url)] before the page's own crumb
    list_context: Callable | None = None  # request → extra context of the list page
    form_kwargs: Callable | None = None  # request → extra keyword arguments of the form
    intro: Callable | None = None  # (user, obj) → a note above the form; obj is None on create
    # obj → the page that shows a row which has none of its own (a contribution on its project's
    # page): where saving and deleting lead, and where the edit and delete pages' cancel goes.
    parent_url: Callable | None = None
    # user → None, raising PermissionDenied for roles that may not even see the rows: a 403 on
    # the list and the export says so, where an empty list would suggest there is nothing.
    guard: Callable | None = None
    # The pages of the five ("list", "edit", …) an enterprise user may open; the rest are staff pages
    # (accounts/pages.py).
    enterprise_pages: tuple[str, ...] = ()
    list_view: Callable = dataclasses.field(init=False, repr=False)
    export_view: Callable = dataclasses.field(init=False, repr=False)
    create_view: Callable = dataclasses.field(init=False, repr=False)
    edit_view: Callable = dataclasses.field(init=False, repr=False)
    delete_view: Callable = dataclasses.field(init=False, repr=False)

    def __post_init__(self):
        self.what = self.what or self.title
        self.list_view = login_required(require_GET(self._list))
        self.export_view = login_required(require_GET(self._export))
        self.create_view = login_required(require_http_methods(["GET", "POST"])(self._create))
        self.edit_view = login_required(require_http_methods(["GET", "POST"])(self._edit))
        self.delete_view = login_required(require_http_methods(["GET", "POST"])(self._delete))
        for page in self.enterprise_pages:
            enterprise_page(getattr(self, f"{page}_view"))

    def urls(self, prefix: str, *, list_path: str | None = None) -> list:
        """The five URL patterns under `prefix`, named `<noun>_list`, `<noun>_export`, `<noun>_create`,
        `<noun>_edit` and `<noun>_delete` (each urls.py lists the names beside the call, for grep)."""
        return [
            path(prefix if list_path is None else prefix + list_path, self.list_view, name=f"{self.noun}_list"),
            path(f"{prefix}export/", self.export_view, name=f"{self.noun}_export"),
            path(f"{prefix}new/", self.create_view, name=f"{self.noun}_create"),
            path(f"{prefix}<int:pk>/edit/", self.edit_view, name=f"{self.noun}_edit"),
            path(f"{prefix}<int:pk>/delete/", self.delete_view, name=f"{self.noun}_delete"),
        ]

    def url(self, page: str, *args) -> str:
        return reverse(f"{self.app}:{self.noun}_{page}", args=args)

    @property
    def link_name(self) -> str:
        """The URL name a row links to: its detail page, or its edit page where there is none."""
        return f"{self.app}:{self.noun}_{'detail' if self.has_detail else 'edit'}"

    def list_url(self) -> str:
        return self.url("list")

    def detail_url(self, obj) -> str:
        return reverse(self.link_name, args=[obj.pk])

    def _may_delete(self, user, obj) -> bool:
        return (self.can_delete or self.can_write)(user, obj)

    def _after_save(self, row) -> str:
        if self.parent_url:
            return self.parent_url(row)
        return self.detail_url(row) if self.has_detail else self.list_url()

    def _back_url(self, obj) -> str:
        return self.parent_url(obj) if self.parent_url else self.detail_url(obj)

    def _form_page(self, request, *, form, title: str, call, cancel_url: str, obj=None):
        user = request.user
        return form_page(request, template="shanghui/form.html", form=form, call=call, title=title,
                         redirect_to=self._after_save,
                         cancel_url=cancel_url, reg=self,
                         crumbs=[*(self.crumbs() if self.crumbs else []), (self.title, self.list_url())],
                         object=obj, intro=self.intro(user, obj) if self.intro else "",
                         delete_url=self.url("delete", obj.pk) if obj is not None and self._may_delete(user, obj)
                         else "")

    def _form(self, request, **kwargs):
        extra = self.form_kwargs(request) if self.form_kwargs else {}
        return self.form(post_data(request), request.FILES or None, user=request.user, **kwargs, **extra)

    def _list(self, request):
        user = request.user
        if self.guard:
            self.guard(user)
        extra = self.list_context(request) if self.list_context else {}
        return list_page(request, template=self.list_template, queryset=self.queryset(user),
                         filter_form=self.filter_form(request.GET, user=user), reg=self,
                         columns=self.columns[:self.table_columns], create_url=self.url("create"),
                         export_url=self.url("export"), can_create=self.can_create(user), **extra)

    def _export(self, request):
        if self.guard:
            self.guard(request.user)
        return export_page(request, title=self.title, queryset=self.queryset(request.user),
                           filter_form=self.filter_form(request.GET, user=request.user), columns=self.columns)

    def _create(self, request):
        user = request.user
        require(self.can_create(user), f"您无权新增{self.what}。")
        initial = {k: request.GET[k] for k in self.preselect if request.GET.get(k, "").isdigit()}
        return self._form_page(request, form=self._form(request, initial=initial),
                               title=self.create_title or f"新增{self.title}",
                               call=lambda **data: self.create(by=user, **data), cancel_url=self.list_url())

    def _edit(self, request, pk):
        user = request.user
        obj = get_object_or_404(self.queryset(user), pk=pk)
        require(self.can_write(user, obj), f"您无权修改该{self.what}。")
        title = self.edit_title(obj) if self.edit_title else f"修改{self.what}：{obj}"
        return self._form_page(request, form=self._form(request, instance=obj), title=title, obj=obj,
                               call=lambda **data: self.update(by=user, **{self.row: obj}, **data),
                               cancel_url=self._back_url(obj))

    def _delete(self, request, pk):
        user = request.user
        obj = get_object_or_404(self.queryset(user), pk=pk)
        require(self._may_delete(user, obj), f"您无权删除该{self.what}。")
        return delete_page(request, obj=obj, what=self.what,
                           success_url=self.parent_url(obj) if self.parent_url else self.list_url(),
                           cancel_url=self._back_url(obj), call=lambda: self.delete(by=user, **{self.row: obj}))
