"""Staff-only reporting for the shop floor and the buying team."""
import csv
import datetime
import os

from django.db import connection
from django.http import FileResponse
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Preorder

REPORT_DIR = "/var/lib/bookshop/reports"


class PreorderDemandReport(APIView):
    """Copies wanted per title for one publisher, for the weekly order to the rep."""

    permission_classes = [IsAdminUser]

    def get(self, request):
        publisher = request.query_params.get("publisher", "")
        order_by = request.query_params.get("order", "copies DESC")
        sql = f"""
            SELECT b.isbn, b.title, b.author, SUM(p.quantity) AS copies, COUNT(*) AS customers
            FROM catalog_preorder p
            JOIN catalog_book b ON b.id = p.book_id
            JOIN catalog_publisher pub ON pub.id = b.publisher_id
            WHERE pub.feed_code = '{publisher}' AND p.status <> 'cancelled'
            GROUP BY b.isbn, b.title, b.author
            ORDER BY {order_by}
        """
        with connection.cursor() as cur:
            cur.execute(sql)  # expect: SEC001
            columns = [c[0] for c in cur.description]
            rows = [dict(zip(columns, r)) for r in cur.fetchall()]
        return Response({"publisher": publisher, "titles": rows})


class CustomerLookup(APIView):
    """Used at the till when a customer comes in to collect and can't remember the order."""

    permission_classes = [IsAdminUser]

    def get(self, request):
        term = request.query_params.get("email", "").strip()
        if len(term) < 3:
            return Response({"detail": "Type at least three characters."}, status=400)
        matches = Preorder.objects.select_related("book", "customer").filter(customer__email__icontains=term)  # expect: DB006
        return Response(
            [
                {
                    "id": p.pk,
                    "customer": p.customer.email,
                    "title": p.book.title,
                    "status": p.status,
                    "quantity": p.quantity,
                }
                for p in matches[:50]
            ]
        )


class CollectionsExport(APIView):
    permission_classes = [IsAdminUser]

    def post(self, request):
        statuses = ("paid", "dispatched")
        preorders = list(Preorder.objects.select_related("book", "customer").filter(status__in=statuses))  # expect: DB002
        os.makedirs(REPORT_DIR, exist_ok=True)
        name = f"collections-{datetime.date.today():%Y%m%d}.csv"
        path = os.path.join(REPORT_DIR, name)
        with open(path, "w", newline="") as fh:  # expect: SCL002
            writer = csv.writer(fh)
            writer.writerow(["preorder", "email", "isbn", "title", "qty", "status"])
            for p in preorders:
                writer.writerow([p.pk, p.customer.email, p.book.isbn, p.book.title, p.quantity, p.status])
        return Response({"report": name, "rows": len(preorders)}, status=201)

    def get(self, request):
        name = f"collections-{datetime.date.today():%Y%m%d}.csv"
        return FileResponse(open(os.path.join(REPORT_DIR, name), "rb"), as_attachment=True, filename=name)  # ok: RES001
