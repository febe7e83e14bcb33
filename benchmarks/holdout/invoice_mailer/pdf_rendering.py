"""Renders invoice HTML to PDF with wkhtmltopdf and merges multi-part invoices."""
import logging
import os
import shutil
import subprocess
import tempfile

log = logging.getLogger(__name__)

WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF_BIN", "wkhtmltopdf")


def render_invoice_pdf(invoice_number: str, html: str, paper_size: str = "A4") -> bytes:
    workdir = tempfile.mkdtemp(prefix="invoice-")
    try:
        html_path = os.path.join(workdir, "invoice.html")
        pdf_path = os.path.join(workdir, f"{invoice_number}.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(html)
        cmd = f"{WKHTMLTOPDF} --quiet --page-size {paper_size} {html_path} {pdf_path}"
        subprocess.run(cmd, shell=True, check=True, timeout=120)  # expect: SEC002
        with open(pdf_path, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def merge_invoice_parts(invoice_number: str, part_paths: list[str], output_dir: str) -> str:
    output = os.path.join(output_dir, f"{invoice_number}-full.pdf")
    status = os.system("pdfunite " + " ".join(part_paths) + " " + output)  # expect: SEC002
    if status != 0:
        raise RuntimeError(f"pdfunite failed for invoice {invoice_number} with status {status}")
    log.info("merged %d parts into %s", len(part_paths), output)
    return output


def page_count(pdf_path: str) -> int:
    result = subprocess.run(  # ok: SEC002
        ["pdfinfo", pdf_path], capture_output=True, text=True, check=True, timeout=30
    )
    for line in result.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    return 0
