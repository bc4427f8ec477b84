from shanghui.core.crud import service_calls


def test_service_calls_hand_the_row_to_the_services_under_its_name():
    calls = []

    def create(*, by, **data):
        calls.append(("create", by, data))

    def update(*, by, chamber, **data):
        calls.append(("update", by, chamber, data))

    def delete(*, by, chamber):
        calls.append(("delete", by, chamber))

    spec = service_calls(create=create, update=update, delete=delete, row="chamber")
    spec["create"]("u", name="甲")
    spec["update"]("u", "row", name="乙")
    spec["delete"]("u", "row")
    assert calls == [("create", "u", {"name": "甲"}), ("update", "u", "row", {"name": "乙"}), ("delete", "u", "row")]
